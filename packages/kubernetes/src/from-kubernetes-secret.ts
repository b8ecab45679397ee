import { type SecretProvider, SecretProviderError } from "@hf-secrets/core";
import { createApiProvider } from "./api-provider.js";
import type { KubernetesApiOptions, KubernetesSecretOptions, KubernetesVolumeOptions } from "./options.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";
import { createVolumeProvider } from "./volume-provider.js";

/**
 * Reads secrets from a Kubernetes Secret, in one of two modes.
 *
 * - **Volume mode** (`mountPath`, the default): the Secret mounted as files by kubelet. Each read goes through
 *   kubelet's `..data` link, and the mount folder is watched, so an updated Secret reaches `cached()` within a
 *   second, with the TTL as a safety net. Needs no package and no RBAC. (Secrets exposed as environment
 *   variables, or mounted with `subPath`, never update: use a whole-volume mount.)
 * - **API mode** (`name`): `GET` the Secret through `@kubernetes/client-node` (a peer dependency loaded at the
 *   first call), in the pod's namespace by default, with `watch: true` for one watch on that Secret.
 *
 * The logical name is the key (`HF_TOKEN` by default; `key` / `keys` map it). The HF token is cleaned like
 * huggingface_hub does (a trailing newline in a mounted file is common); other values are returned verbatim.
 *
 * @example
 * const provider = cached(fromKubernetesSecret({ mountPath: "/var/run/secrets/hf" }), { ttlMs: 60_000 });
 * const { value } = await provider.getSecret("HF_TOKEN");
 */
export function fromKubernetesSecret(options: KubernetesSecretOptions): SecretProvider {
  if (typeof options !== "object" || options === null) {
    throw configError(
      "fromKubernetesSecret() needs options: { mountPath } (volume mode) or { name } (API mode).",
    );
  }
  const mode = options.mode ?? (options.name !== undefined ? "api" : "volume");
  if (mode !== "api" && mode !== "volume") {
    throw configError(`"mode" must be "volume" or "api", not ${JSON.stringify(String(mode)).slice(0, 40)}.`);
  }
  if (options.name !== undefined && options.mountPath !== undefined) {
    throw configError(
      'Both "mountPath" (volume mode) and "name" (API mode) are set; a provider reads one of them.',
    );
  }
  if (mode === "api") {
    if (options.name === undefined) throw configError('API mode needs "name": the Secret\'s metadata.name.');
    return createApiProvider(options as KubernetesApiOptions);
  }
  return createVolumeProvider(options as KubernetesVolumeOptions);
}

function configError(message: string): SecretProviderError {
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: KUBERNETES_PROVIDER_NAME,
    message,
    fix: 'Pass { mountPath: "/var/run/secrets/hf" } to read a mounted Secret volume, or { name: "hf-token" } to read the Secret through the API.',
  });
}
