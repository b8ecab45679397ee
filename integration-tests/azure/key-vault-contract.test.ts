// The provider conformance suite against Lowkey Vault (real server; see lowkey.ts), through ManagedIdentityCredential
// and the real challenge flow, over TLS verified with NODE_EXTRA_CA_CERTS.
import { ManagedIdentityCredential } from "@azure/identity";
import { fromAzureKeyVault, mapLogicalName } from "@hf-secrets/azure";
import { describeSecretProviderContract } from "@hf-secrets/testing";
import { adminClient, deleteAndPurge, lowkeyClientOptions, lowkeyEnv } from "./lowkey.js";

describeSecretProviderContract(
  "azure against Lowkey Vault",
  async () => {
    const env = lowkeyEnv();
    const admin = adminClient(env.vaultUrl);
    const created = new Set<string>();
    const write = async (name: string, value: string) => {
      const secretName = mapLogicalName(name);
      created.add(secretName);
      await admin.setSecret(secretName, value);
    };
    return {
      provider: fromAzureKeyVault({
        vaultUrl: env.vaultUrl,
        credential: new ManagedIdentityCredential(),
        clientOptions: lowkeyClientOptions,
      }),
      seed: write,
      update: write,
      cleanup: () => deleteAndPurge(admin, created),
    };
  },
  { update: true },
);
