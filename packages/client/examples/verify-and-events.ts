import { createHfSecrets } from "@hf-secrets/client";

// An explicit instance (for dependency injection and tests): verify the token's role with whoami-v2 before the
// first call, and watch what happens.
const secrets = createHfSecrets({
  environment: "production",
  policy: { tokenRole: ["read", "fineGrained"] },
  verify: true,
  onEvent: (event) => {
    if (event.type === "rotated" || event.type === "rejected") console.log(event.type, event.location);
  },
});

const client = await secrets.getHfClient();
const info = await secrets.whoami();
console.log(`token "${info.tokenName}" of ${info.name}, role ${info.role}`);
await client.textClassification({
  model: "distilbert-base-uncased-finetuned-sst-2-english",
  inputs: "Great!",
});

// Libraries that need the string itself (prefer the client: a string can end up in a log).
const token = await secrets.getHfToken();
console.log(token.length);
await secrets.dispose();
