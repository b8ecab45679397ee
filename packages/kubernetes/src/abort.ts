import { SecretProviderError } from "@hf-secrets/core";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/**
 * The error for an aborted call: the signal's reason when it is already a SecretProviderError (e.g. the
 * TIMEOUT that `cached()` aborts with), else `ABORTED`.
 */
export function abortedError(signal: AbortSignal, secretName?: string): SecretProviderError {
  if (SecretProviderError.isInstance(signal.reason)) return signal.reason;
  return new SecretProviderError({
    code: "ABORTED",
    provider: KUBERNETES_PROVIDER_NAME,
    secretName,
    message: `Reading${secretName ? ` "${secretName}"` : ""} was aborted by its signal.`,
  });
}

/** Throws {@link abortedError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, secretName?: string): void {
  if (signal?.aborted) throw abortedError(signal, secretName);
}
