import { getHfClient } from "@hf-secrets/client";

const client = await getHfClient(); // env → .env → `hf auth login` by default; see docs/guides/environments.md
const reply = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0]?.message.content);
