import { cached, chain, SecretNotFoundError, type SecretProvider } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";

// Any object with a name and getSecret() is a provider; a missing secret throws SecretNotFoundError.
const fromVault: SecretProvider = {
  name: "vault",
  async getSecret(name) {
    throw new SecretNotFoundError({
      provider: "vault",
      secretName: name,
      message: `"${name}" is not in the vault.`,
    });
  },
};

// env first, then the vault; one cache in front of both: refresh-ahead, stale-if-error, single-flight.
const secrets = cached(chain(fromEnv(), fromVault), { ttlMs: 5 * 60_000, maxStaleMs: 60 * 60_000 });
secrets.events.on("rotated", (event) => console.log(`${event.name} changed at ${event.location}`));

const token = await secrets.getSecret("HF_TOKEN");
console.log(`${token.value} from ${token.location}`); // hf_****abcd from env:HF_TOKEN — never the value
await secrets.dispose();
