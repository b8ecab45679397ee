import {
  createSecretValue,
  type GetSecretOptions,
  SecretNotFoundError,
  type SecretProvider,
  type SecretValue,
} from "@hf-secrets/core";

// The whole contract, implemented by a provider that keeps secrets in a Map.
const store = new Map<string, string>();
const listeners = new Set<() => void>();

export const mapProvider: SecretProvider = {
  name: "map", // used in provenance, errors and config files
  async getSecret(name: string, options?: GetSecretOptions): Promise<SecretValue> {
    options?.signal?.throwIfAborted();
    const value = store.get(name);
    // Absent is an error that lets a chain move on (tryNext), never `null`.
    if (value === undefined)
      throw new SecretNotFoundError({ provider: "map", secretName: name, message: `No "${name}".` });
    return createSecretValue({ value, provider: "map", location: `map:${name}` }); // never the value in location
  },
  watch(_name: string, onChange: () => void): () => void {
    listeners.add(onChange); // optional push invalidation (a file watch, a Kubernetes watch)
    return () => listeners.delete(onChange);
  },
  async getPendingSecret(): Promise<SecretValue | undefined> {
    return undefined; // optional: a version about to become current (AWSPENDING)
  },
  describe: (name: string) => `map:${name}`, // optional: where it would look, for errors and reports
  async dispose(): Promise<void> {
    listeners.clear(); // optional: release clients, watchers, timers; idempotent
  },
};
