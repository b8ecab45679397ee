import { getHfClient } from "@hf-secrets/client";

// The token comes from the selected environment's chain (env → .env → `hf auth login` without a config file),
// is cached with refresh-ahead, and is put into every request: a rotated token is used without a restart.
const client = await getHfClient();
const reply = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0]?.message.content);
