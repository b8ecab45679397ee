export { hfSecretsProvider } from "./definition.js";
export {
  AWS_CURRENT,
  AWS_PENDING,
  AWS_PROVIDER_NAME,
  type AwsSecretsManagerOptions,
  fromAwsSecretsManager,
} from "./from-aws-secrets-manager.js";
export { AWS_SDK_PACKAGE, type SecretsManagerClientLike } from "./sdk-client.js";
export type { BinaryEncoding } from "./secret-payload.js";
