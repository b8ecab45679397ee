import { SecretProviderError } from "@hf-secrets/core";

type ClientModule = typeof import("@hf-secrets/client");

/**
 * Imports `TokenVerifier` from `@hf-secrets/client` on first use: only `--verify` and policies that check the
 * token need the Hub client, so the other commands start without loading it. A missing peer
 * (`@huggingface/inference`) becomes an error that says what to install.
 */
export async function loadTokenVerifier(): Promise<ClientModule["TokenVerifier"]> {
  try {
    return (await import("@hf-secrets/client")).TokenVerifier;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new SecretProviderError({
      code: "PROVIDER_NOT_INSTALLED",
      provider: "hub",
      message: `Checking the token with the Hub needs @hf-secrets/client and its peer @huggingface/inference: ${(error as Error).message.split("\n")[0]}`,
      fix: "Run `npm install @hf-secrets/client @huggingface/inference`.",
      cause: error,
    });
  }
}
