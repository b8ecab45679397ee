import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { describeSecretProviderContract } from "@hf-secrets/testing";
import { afterAll } from "vitest";
import { createSecret, deleteCreatedSecrets, localstack, putValue, uniqueName } from "./localstack.js";

// The provider conformance suite against LocalStack's Secrets Manager: seeds are CreateSecret, updates are
// PutSecretValue (a new AWSCURRENT version), each logical name a unique secret.

afterAll(deleteCreatedSecrets);

function subject(key?: string, wrap: (value: string) => string = (value) => value) {
  const names = new Map<string, string>();
  const secretFor = (name: string) => {
    let id = names.get(name);
    if (id === undefined) {
      id = uniqueName("contract");
      names.set(name, id);
    }
    return id;
  };
  const provider = fromAwsSecretsManager({
    secretId: secretFor,
    ...(key ? { key } : {}),
    endpoint: localstack.endpoint,
    region: localstack.region,
    clientConfig: { credentials: localstack.credentials },
  });
  return {
    provider,
    seed: async (name: string, value: string) => void (await createSecret(secretFor(name), wrap(value))),
    update: async (name: string, value: string) => void (await putValue(secretFor(name), wrap(value))),
    cleanup: async () => {
      await provider.dispose?.();
    },
  };
}

describeSecretProviderContract(
  `aws against ${localstack.flavor} (plain SecretString)`,
  async () => subject(),
  { update: true },
);

describeSecretProviderContract(
  `aws against ${localstack.flavor} (JSON SecretString, key as a JSON Pointer)`,
  async () => subject("/hf/token", (value) => JSON.stringify({ team: "ml", hf: { token: value } })),
  { update: true },
);
