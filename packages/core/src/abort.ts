import { SecretProviderError } from "./errors.js";

/**
 * The error for a call aborted by `signal`: its reason when that is already a SecretProviderError (e.g. the
 * TIMEOUT that `cached()` aborts a backend call with), else `ABORTED`.
 */
export function abortedError(
  signal: AbortSignal,
  provider: string,
  secretName?: string,
): SecretProviderError {
  if (SecretProviderError.isInstance(signal.reason)) return signal.reason;
  return new SecretProviderError({
    code: "ABORTED",
    provider,
    secretName,
    message: `Reading${secretName ? ` "${secretName}"` : ""} was aborted by its signal.`,
  });
}

/**
 * Settles with `promise`, or rejects with {@link abortedError} as soon as `signal` aborts. Only the caller is
 * detached: the work behind `promise` goes on (a shared backend call may serve other callers).
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  provider: string,
  secretName?: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, provider, secretName));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
