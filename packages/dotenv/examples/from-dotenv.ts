import { cached } from "@hf-secrets/core";
import { fromDotenv } from "@hf-secrets/dotenv";

// .env, .env.local, .env.development, .env.development.local (later files win). process.env is never written.
const secrets = cached(fromDotenv({ environment: "development" }), {
  onEvent: (event) => {
    if (event.type === "warning") console.warn(event.warning.code, event.warning.message); // NOT_GIT_IGNORED, ...
  },
});
const token = await secrets.getSecret("HF_TOKEN");
console.log(token.location); // e.g. "/app/.env.local#HF_TOKEN"

// Explicit files and other keys; `KEY="encrypted:..."` values (dotenvx) are decrypted with
// DOTENV_PRIVATE_KEY_STAGING (or DOTENV_PRIVATE_KEY) from the environment or from config/.env.keys.
const staging = fromDotenv({
  path: "config",
  files: [".env", ".env.staging"],
  variables: { DATABASE_URL: "DB_URL" },
});
console.log((await staging.getSecret("DATABASE_URL")).value.masked);
await secrets.dispose();
