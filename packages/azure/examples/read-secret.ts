import { fromAzureKeyVault } from "@hf-secrets/azure";
import { cached } from "@hf-secrets/core";

// Any secret, by logical name: OPENAI_API_KEY is read from the Key Vault secret "openai-api-key".
// DefaultAzureCredential (from @azure/identity) is created at the first read.
const secrets = cached(fromAzureKeyVault({ vaultUrl: "https://my-vault.vault.azure.net" }));

const apiKey = await secrets.getSecret("OPENAI_API_KEY");
console.log(apiKey.location, apiKey.version, apiKey.expiresAt); // never the value itself
await fetch("https://api.example.com/v1/models", {
  headers: { authorization: `Bearer ${apiKey.value.reveal()}` },
});
