import { createSecretValue, SecretNotFoundError, type SecretProvider } from "@hf-secrets/core";
import { describeSecretProviderContract } from "@hf-secrets/testing";

// A provider backed by a Map — replace it with yours. The suite runs the same cases every hf-secrets provider
// passes: round trip, provenance, not-found → tryNext, no value in errors, abort, forceRefresh, single-flight.
function fromMap(store: Map<string, string>): SecretProvider {
  return {
    name: "map",
    async getSecret(name, options) {
      options?.signal?.throwIfAborted();
      const value = store.get(name);
      if (value === undefined) {
        throw new SecretNotFoundError({
          provider: "map",
          secretName: name,
          location: `map:${name}`,
          message: `"${name}" is not in the map.`,
        });
      }
      return createSecretValue({ value, provider: "map", location: `map:${name}` });
    },
  };
}

describeSecretProviderContract(
  "map",
  async () => {
    const store = new Map<string, string>();
    return {
      provider: fromMap(store),
      seed: async (name, value) => {
        store.set(name, value);
      },
      update: async (name, value) => {
        store.set(name, value);
      },
    };
  },
  { update: true },
);
