import { configError, defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import {
  AWS_PROVIDER_NAME,
  type AwsSecretsManagerOptions,
  checkAwsOptions,
  fromAwsSecretsManager,
} from "./from-aws-secrets-manager.js";
import type { BinaryEncoding } from "./secret-payload.js";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Lets config files use `{ "provider": "aws", "secretId": "prod/hf", "key": "HF_TOKEN" }`. The region comes from
 * the entry, else `AWS_REGION` / `AWS_DEFAULT_REGION` of the environment, else the SDK's own resolution
 * (profile). Under a strict policy (production by default) a plain-http `endpoint` is refused unless it is on
 * loopback (LocalStack).
 */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: AWS_PROVIDER_NAME,
  packageName: "@hf-secrets/aws",
  options: {
    secretId: { type: "string", required: true, description: "the secret's name or ARN, e.g. prod/hf" },
    key: {
      type: "string",
      description: "a JSON field of the secret (HF_TOKEN) or a JSON Pointer (/hf/token)",
    },
    versionStage: { type: "string", description: "the staging label to read (default AWSCURRENT)" },
    versionId: { type: "string", description: "a fixed version id (exclusive with versionStage)" },
    region: { type: "string", description: "the AWS region (default AWS_REGION)" },
    endpoint: { type: "string", description: "a custom endpoint URL (LocalStack, a VPC endpoint)" },
    binaryEncoding: {
      type: "string",
      enum: ["base64", "utf8"],
      description: "how a SecretBinary is returned (default base64)",
    },
  },
  create: (options, context) => {
    const site = { file: context.configFile, path: context.path, provider: AWS_PROVIDER_NAME };
    const region =
      (options.region as string | undefined) ??
      nonEmpty(context.env.AWS_REGION) ??
      nonEmpty(context.env.AWS_DEFAULT_REGION);
    const resolved: AwsSecretsManagerOptions = {
      secretId: options.secretId as string,
      key: options.key as string | undefined,
      versionStage: options.versionStage as string | undefined,
      versionId: options.versionId as string | undefined,
      region,
      endpoint: options.endpoint as string | undefined,
      binaryEncoding: options.binaryEncoding as BinaryEncoding | undefined,
    };
    const problem = checkAwsOptions(resolved);
    if (problem) throw configError(site, `${context.path}.${problem.option}`, problem.problem);
    if (context.policy.strict && resolved.endpoint !== undefined) {
      const url = new URL(resolved.endpoint);
      if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
        throw configError(
          site,
          `${context.path}.endpoint`,
          `is plain http to a non-loopback host, which the "${context.environment}" policy (strict) refuses: the secret would cross the network unencrypted. Use an https:// endpoint`,
        );
      }
    }
    return fromAwsSecretsManager(resolved);
  },
});

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
