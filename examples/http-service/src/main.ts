import { buildServer } from "./server.js";

// HF_SECRETS_ENV (or NODE_ENV) selects the environment of hf-secrets.config.json: development, staging or
// production. Nothing here reads HF_TOKEN.
const app = await buildServer();
const port = Number(process.env.PORT ?? 3000);
await app.listen({ port, host: process.env.HOST ?? "0.0.0.0" });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
