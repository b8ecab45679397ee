import { getHfClient, getHfSecrets } from "@hf-secrets/client";

// What a rotation looks like from inside the app: the events of the instance behind getHfClient().
const secrets = getHfSecrets();
secrets.events.on("rotated", (event) => {
  // A new value at the backend: a refresh saw it, or the client switched after Hugging Face refused the old one.
  console.log(
    `HF_TOKEN rotated at ${event.location}: ${event.previousVersion ?? "?"} → ${event.version ?? "?"}`,
  );
});
secrets.events.on("rejected", (event) => {
  // Hugging Face answered 401/403. action: "refresh" (re-read once), "pending" (AWSPENDING tried), "give-up".
  console.warn(`Hugging Face refused the token from ${event.location} (${event.status}): ${event.action}`);
});
secrets.events.on("stale", (event) => {
  // The backend is failing: the last good value is served until event.staleUntil (never past an expiry).
  console.warn(`serving the last token from ${event.location}: ${event.error.code}`);
});

const client = await getHfClient();
await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
