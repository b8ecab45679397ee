import {
  type Clock,
  type GetSecretOptions,
  type SecretErrorCode,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  systemClock,
} from "@hf-secrets/core";

/** One scripted answer: pass the call through (`"ok"`), fail with a code, or fail with details. */
export type FaultStep =
  | "ok"
  | SecretErrorCode
  | { readonly code: SecretErrorCode; readonly retryAfterMs?: number }
  | { readonly hangMs: number };

/** Options of {@link createFaultyProvider}. */
export interface FaultyProviderOptions {
  /** Answers for the first calls, in order; after the script, calls pass through (or fail during an outage). */
  readonly script?: readonly FaultStep[];
  /** Clock used for `hangMs` steps and for recording call times. */
  readonly clock?: Clock;
}

/** A provider that fails on purpose, in front of a real one. */
export interface FaultyProvider extends SecretProvider {
  /** Every call's time (clock ms), for checking backoff spacing. */
  readonly callTimes: readonly number[];
  /** From now on every call fails with `code` until {@link FaultyProvider.recover}. */
  startOutage(code?: SecretErrorCode, retryAfterMs?: number): void;
  /** Ends an outage. */
  recover(): void;
  /** Appends scripted steps. */
  enqueue(...steps: FaultStep[]): void;
}

/**
 * Wraps a provider so that calls fail as scripted: transient errors, 429 with `Retry-After`, access denied, a
 * hang, or an outage that lasts until `recover()`.
 */
export function createFaultyProvider(
  inner: SecretProvider,
  options: FaultyProviderOptions = {},
): FaultyProvider {
  const clock = options.clock ?? systemClock;
  const queue: FaultStep[] = [...(options.script ?? [])];
  const callTimes: number[] = [];
  let outage: { code: SecretErrorCode; retryAfterMs?: number } | undefined;

  const fail = (code: SecretErrorCode, name: string, retryAfterMs?: number): never => {
    throw new SecretProviderError({
      code,
      provider: inner.name,
      secretName: name,
      location: inner.describe?.(name),
      retryAfterMs,
      message: `Injected fault ${code} while reading "${name}".`,
    });
  };

  const provider: FaultyProvider = {
    name: inner.name,
    get callTimes() {
      return callTimes;
    },
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      callTimes.push(clock.now());
      const step = queue.shift();
      if (step === undefined || step === "ok") {
        if (step === undefined && outage) fail(outage.code, name, outage.retryAfterMs);
        return inner.getSecret(name, getOptions);
      }
      if (typeof step === "string") return fail(step, name);
      if ("hangMs" in step) {
        await new Promise<void>((resolve, reject) => {
          const timer = clock.setTimer(resolve, step.hangMs, { ref: true });
          getOptions?.signal?.addEventListener("abort", () => {
            clock.clearTimer(timer);
            reject(getOptions.signal?.reason);
          });
        });
        return inner.getSecret(name, getOptions);
      }
      return fail(step.code, name, step.retryAfterMs);
    },
    startOutage(code = "TRANSIENT", retryAfterMs) {
      outage = { code, retryAfterMs };
    },
    recover() {
      outage = undefined;
    },
    enqueue(...steps) {
      queue.push(...steps);
    },
  };
  if (inner.watch) provider.watch = inner.watch.bind(inner);
  if (inner.describe) provider.describe = inner.describe.bind(inner);
  if (inner.dispose) provider.dispose = inner.dispose.bind(inner);
  return provider;
}
