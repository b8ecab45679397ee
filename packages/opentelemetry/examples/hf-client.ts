import { getHfClient, getHfSecrets } from "@hf-secrets/client";
import { instrument } from "@hf-secrets/opentelemetry";

// getHfSecrets() with the same options as getHfClient() returns the instance behind the client: its events
// include the cache's (fetch, hit, refresh, stale, error, rotated) and the client's own (rejected).
instrument(getHfSecrets().events, { attributes: { "service.component": "chat" } });

const client = await getHfClient();
const answer = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello" }],
});
console.log(answer.choices[0]?.message.content);
