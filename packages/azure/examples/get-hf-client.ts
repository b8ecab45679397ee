import { ManagedIdentityCredential } from "@azure/identity";
import { fromAzureKeyVault } from "@hf-secrets/azure";
import { getHfClient } from "@hf-secrets/client";

// The HF token lives in the Key Vault secret "hf-token"; the app runs with a managed identity that has the
// "Key Vault Secrets User" role on the vault. getHfClient() puts the provider behind the cache.
const client = await getHfClient({
  provider: fromAzureKeyVault({
    vaultUrl: "https://my-vault.vault.azure.net",
    credential: new ManagedIdentityCredential(),
  }),
});

const answer = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(answer.choices[0]?.message.content);
