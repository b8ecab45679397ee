// Our provider for Secrets Manager: @hf-secrets/aws when it is built, else a minimal GetSecretValue provider
// written here (same SDK call, same SecretValue), so the comparison runs either way and says which one ran.
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createSecretValue, SecretNotFoundError, toSecretProviderError } from "@hf-secrets/core";

/** Returns `{ provider, source }` where source is "@hf-secrets/aws" or "bench minimal provider (...)". */
export async function awsProvider({ client, secretId }) {
  try {
    const mod = await import("@hf-secrets/aws");
    if (typeof mod.fromAwsSecretsManager === "function") {
      return {
        provider: mod.fromAwsSecretsManager({ secretId, client }),
        source: "@hf-secrets/aws fromAwsSecretsManager()",
      };
    }
  } catch {
    // Not built yet: fall through to the minimal provider.
  }
  return {
    provider: minimalAwsProvider({ client, secretId }),
    source: "bench's minimal GetSecretValue provider (@hf-secrets/aws not built when this ran)",
  };
}

/** A minimal SecretProvider over GetSecretValue: plain SecretString, AWSCURRENT. */
export function minimalAwsProvider({ client, secretId }) {
  const location = `aws:${secretId}@AWSCURRENT`;
  return {
    name: "aws",
    describe: () => location,
    async getSecret(name, options) {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
          abortSignal: options?.signal,
        });
        if (typeof out.SecretString !== "string") {
          throw new SecretNotFoundError({
            provider: "aws",
            secretName: name,
            location,
            message: "No SecretString.",
          });
        }
        return createSecretValue({
          value: out.SecretString,
          provider: "aws",
          location,
          version: out.VersionId,
        });
      } catch (error) {
        throw toSecretProviderError(error, {
          provider: "aws",
          secretName: name,
          location,
          code: "TRANSIENT",
          message: `Reading "${secretId}" failed.`,
        });
      }
    },
  };
}
