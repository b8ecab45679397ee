import { abortedError as coreAbortedError, raceAbort as coreRaceAbort } from "@hf-secrets/core";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/** The error for an aborted call, attributed to this provider (see core's `abortedError`). */
export function abortedError(signal: AbortSignal, secretName?: string) {
  return coreAbortedError(signal, KUBERNETES_PROVIDER_NAME, secretName);
}

/** Throws {@link abortedError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, secretName?: string): void {
  if (signal?.aborted) throw abortedError(signal, secretName);
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (the request itself is aborted separately). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return coreRaceAbort(promise, signal, KUBERNETES_PROVIDER_NAME);
}
