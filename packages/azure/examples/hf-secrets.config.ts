import { defineConfig } from "@hf-secrets/core";

// hf-secrets.config.mjs: production reads the token from Key Vault with the pod's workload identity;
// development keeps the local chain. "azure" loads @hf-secrets/azure only when an environment uses it.
export default defineConfig({
  environments: {
    development: { chain: ["env", "dotenv", "hf-cli"] },
    production: {
      chain: [
        {
          provider: "azure",
          vaultUrl: "https://my-vault.vault.azure.net",
          secretName: "hf-token",
          credential: "workload-identity",
        },
      ],
      policy: { deny: ["dotenv", "hf-cli"] },
    },
  },
});
