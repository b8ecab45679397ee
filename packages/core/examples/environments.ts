import { cached, defineConfig, resolveEnvironment } from "@hf-secrets/core";

// The same shape as hf-secrets.config.json; a module config exports it as default.
const config = defineConfig({
  environments: {
    development: { chain: ["env", "dotenv", "hf-cli"] },
    production: {
      chain: [
        { provider: "kubernetes", mountPath: "/var/run/secrets/hf" },
        { provider: "aws", secretId: "prod/hf" },
      ],
      policy: { tokenRole: ["read", "fineGrained"] },
      cache: { ttlMs: 300_000 },
    },
  },
});

// Selects HF_SECRETS_ENV, else NODE_ENV, else development; imports only the providers that environment uses.
const environment = await resolveEnvironment({ config });
const secrets = cached(environment.provider, environment.cache);
console.log(
  environment.environment.name,
  environment.members.map((m) => m.name),
);
console.log((await secrets.getSecret("HF_TOKEN")).location);
await secrets.dispose();
