export { rbacManifest } from "./api-errors.js";
export { hfSecretsProvider } from "./definition.js";
export { fromKubernetesSecret } from "./from-kubernetes-secret.js";
export { SERVICE_ACCOUNT_DIR } from "./kube-config.js";
export type {
  CoreV1ApiLike,
  KubeConfigLike,
  KubernetesApiOptions,
  KubernetesCommonOptions,
  KubernetesSecretOptions,
  KubernetesVolumeOptions,
  SecretObject,
  WatchLike,
} from "./options.js";
export { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";
