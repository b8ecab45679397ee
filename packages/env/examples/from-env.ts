import { cached } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";

// HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, cleaned like huggingface_hub (CR/LF and surrounding spaces removed).
const secrets = cached(fromEnv());
const token = await secrets.getSecret("HF_TOKEN");
console.log(token.location); // "env:HF_TOKEN" or "env:HUGGING_FACE_HUB_TOKEN"

// Another variable for the token, and other secrets by their own variable names.
const custom = fromEnv({ variable: "MY_APP_HF_TOKEN", variables: { DATABASE_URL: "APP_DB_URL" } });
console.log((await custom.getSecret("DATABASE_URL")).value.masked);
await secrets.dispose();
