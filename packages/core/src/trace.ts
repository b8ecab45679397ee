import type { SecretProvider, SecretValue } from "./contract.js";
import {
  AggregateSecretError,
  type ResolutionAttempt,
  type SecretProviderError,
  toSecretProviderError,
} from "./errors.js";

/** One provider's answer in a {@link traceResolution}. */
export interface TracedAttempt extends ResolutionAttempt {
  /** The value, when this provider answered. */
  readonly value?: SecretValue | undefined;
  /** The error, when it did not. */
  readonly error?: SecretProviderError | undefined;
  /** True for the provider whose value the chain would use. */
  readonly used: boolean;
  /** True when this provider has the secret but an earlier one wins (e.g. `HF_TOKEN` shadows the CLI login). */
  readonly shadowed: boolean;
}

/** The outcome of {@link traceResolution}. */
export interface ResolutionTrace {
  /** Logical name traced. */
  readonly name: string;
  /** Every provider, in chain order, each asked once. */
  readonly attempts: readonly TracedAttempt[];
  /** The value the chain would return. */
  readonly winner?: SecretValue | undefined;
  /** The error the chain would throw, when it would not return a value. */
  readonly error?: SecretProviderError | undefined;
}

/**
 * Asks **every** provider of a chain for `name` (a chain stops at the first answer) and reports what each said,
 * which one the chain would use, and which answers are shadowed. The doctor and `npm start` print this.
 */
export async function traceResolution(
  providers: readonly SecretProvider[],
  name: string,
): Promise<ResolutionTrace> {
  const attempts: TracedAttempt[] = [];
  let winner: SecretValue | undefined;
  let error: SecretProviderError | undefined;
  let decided = false;
  for (const provider of providers) {
    try {
      const value = await provider.getSecret(name);
      const used = !decided;
      if (used) winner = value;
      decided = true;
      attempts.push({
        provider: value.provider,
        location: value.location,
        outcome: "answered",
        reason: `answered ${value.value.masked}${value.version ? ` (version ${value.version})` : ""}`,
        value,
        used,
        shadowed: !used,
      });
    } catch (thrown) {
      const failure = toSecretProviderError(thrown, {
        provider: provider.name,
        secretName: name,
        location: provider.describe?.(name),
      });
      if (!decided && !failure.tryNext) {
        error = failure;
        decided = true;
      }
      attempts.push({
        provider: failure.provider,
        location: failure.location,
        outcome: failure.code === "NOT_FOUND" ? "not-found" : "error",
        code: failure.code,
        reason: failure.detail,
        fix: failure.fix,
        error: failure,
        used: false,
        shadowed: false,
      });
    }
  }
  if (!decided)
    error = new AggregateSecretError(
      name,
      attempts.map((a) => a.error!),
    );
  return { name, attempts, winner, error };
}
