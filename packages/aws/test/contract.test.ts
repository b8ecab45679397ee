import { describeSecretProviderContract } from "@hf-secrets/testing";
import { fromAwsSecretsManager } from "../src/index.js";
import { createFakeSecretsManager } from "./fake-secrets-manager.js";

// One secret per logical name, plain SecretString.
describeSecretProviderContract(
  "aws (mocked client, plain secrets)",
  async () => {
    const client = createFakeSecretsManager();
    return {
      provider: fromAwsSecretsManager({ client, secretId: (name) => `test/${name}` }),
      seed: async (name, value) => void client.put(`test/${name}`, value),
      update: async (name, value) => void client.put(`test/${name}`, value),
    };
  },
  { update: true },
);

// One JSON secret per logical name, the value nested under a JSON Pointer.
describeSecretProviderContract(
  "aws (mocked client, JSON secrets read through a JSON Pointer)",
  async () => {
    const client = createFakeSecretsManager();
    const write = async (name: string, value: string) =>
      void client.put(`json/${name}`, JSON.stringify({ owner: "ml-team", hf: { token: value } }));
    return {
      provider: fromAwsSecretsManager({ client, secretId: (name) => `json/${name}`, key: "/hf/token" }),
      seed: write,
      update: write,
    };
  },
  { update: true },
);
