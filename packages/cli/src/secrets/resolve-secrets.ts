import { HF_TOKEN, resolveEnvironment, type SecretValue } from "@hf-secrets/core";
import { loadTokenVerifier } from "./load-token-verifier.js";

/** Options of {@link resolveSecrets}. */
export interface ResolveSecretsOptions {
  readonly environment?: string | undefined;
  readonly config?: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Logical names to resolve, in order. */
  readonly names: readonly string[];
  /** Hub used by the policy's token check; default `HF_ENDPOINT`, else https://huggingface.co. */
  readonly hubUrl?: string | undefined;
}

/**
 * Resolves secrets through the selected environment's chain, with its policy enforced: denied sources are
 * refused and, when the policy asks for it (`verify` or `tokenRole`), the HF token is checked with the Hub's
 * `whoami-v2` before it is handed out. Throws the chain's error (with every attempt) when a secret is missing.
 */
export async function resolveSecrets(options: ResolveSecretsOptions): Promise<Map<string, SecretValue>> {
  const resolved = await resolveEnvironment({
    environment: options.environment,
    config: options.config,
    cwd: options.cwd,
    env: options.env,
  });
  try {
    const values = new Map<string, SecretValue>();
    for (const name of options.names) {
      if (values.has(name)) continue;
      const value = await resolved.provider.getSecret(name);
      if (name === HF_TOKEN && resolved.policy.verify) {
        const TokenVerifier = await loadTokenVerifier();
        await new TokenVerifier({ hubUrl: options.hubUrl ?? (options.env.HF_ENDPOINT || undefined) }).verify(
          value,
          resolved.policy,
        );
      }
      values.set(name, value);
    }
    return values;
  } finally {
    await resolved.provider.dispose?.();
  }
}
