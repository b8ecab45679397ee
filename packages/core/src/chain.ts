import type { GetSecretOptions, SecretProvider, SecretValue } from "./contract.js";
import { AggregateSecretError, type SecretProviderError, toSecretProviderError } from "./errors.js";

/** A provider made of other providers: what {@link chain} returns. */
export interface ChainedSecretProvider extends SecretProvider {
  /** The providers, in the order they are asked. */
  readonly providers: readonly SecretProvider[];
}

/**
 * Asks each provider in turn; the first that has the secret wins. Moves on only when a provider throws a
 * `tryNext` error (not found); a broken configuration, a denied access or a backend outage stops the chain,
 * so a misconfigured production source is never silently skipped. When every provider fails, throws an
 * {@link AggregateSecretError} that lists each attempt with its location, reason and fix.
 *
 * @example
 * const provider = chain(fromEnv(), fromDotenv(), fromHfCli());
 */
export function chain(...providers: SecretProvider[]): ChainedSecretProvider {
  const lastAnswered = new Map<string, SecretProvider>();
  const watchers = providers.filter((p) => typeof p.watch === "function");
  let disposed: Promise<void> | undefined;

  const result: ChainedSecretProvider = {
    name: "chain",
    providers: Object.freeze([...providers]),
    async getSecret(name: string, options?: GetSecretOptions): Promise<SecretValue> {
      const errors: SecretProviderError[] = [];
      for (const provider of providers) {
        try {
          const value = await provider.getSecret(name, options);
          lastAnswered.set(name, provider);
          return value;
        } catch (thrown) {
          const error = toSecretProviderError(thrown, {
            provider: provider.name,
            secretName: name,
            location: provider.describe?.(name),
          });
          if (!error.tryNext) throw error;
          errors.push(error);
        }
      }
      throw new AggregateSecretError(name, errors);
    },
    describe(name: string): string {
      return providers.map((p) => p.describe?.(name) ?? p.name).join(" → ");
    },
    async dispose(): Promise<void> {
      disposed ??= Promise.all(providers.map((p) => p.dispose?.())).then(() => undefined);
      return disposed;
    },
  };
  if (watchers.length > 0) {
    // A change in any member may change which provider answers: subscribe to all of them.
    Object.assign(result, {
      watch(name: string, onChange: () => void): () => void {
        const stops = watchers.map((p) => p.watch!(name, onChange));
        return () => {
          for (const stop of stops) stop();
        };
      },
    });
  }
  if (providers.some((p) => typeof p.getPendingSecret === "function")) {
    Object.assign(result, {
      async getPendingSecret(name: string, options?: GetSecretOptions): Promise<SecretValue | undefined> {
        return lastAnswered.get(name)?.getPendingSecret?.(name, options);
      },
    });
  }
  return result;
}
