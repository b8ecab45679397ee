import type { GetSecretOptions, SecretProvider, SecretValue } from "./contract.js";
import { SecretProviderError } from "./errors.js";

/** Hugging Face token roles, as `whoami-v2` reports them in `auth.accessToken.role`. */
export type TokenRole = "read" | "write" | "fineGrained" | "admin";

/** Every role name a policy may list. */
export const TOKEN_ROLES: readonly TokenRole[] = ["read", "write", "fineGrained", "admin"];

/** An environment's rules, as written in the config file. */
export interface PolicyConfig {
  /** Only these providers may supply a secret. */
  readonly allow?: readonly string[];
  /** These providers may never supply a secret (even if a chain lists them). */
  readonly deny?: readonly string[];
  /** Roles an HF token may have; a broader token is refused before the first call (implies `verify`). */
  readonly tokenRole?: readonly TokenRole[];
  /** Check the token with the Hub's `whoami-v2` before the first call. */
  readonly verify?: boolean;
  /** File hygiene problems (loose permissions, foreign owner) are errors instead of warnings. */
  readonly strict?: boolean;
}

/** A policy with the environment's defaults applied. */
export interface ResolvedPolicy {
  readonly environment: string;
  readonly allow: readonly string[] | undefined;
  readonly deny: readonly string[];
  readonly tokenRole: readonly TokenRole[] | undefined;
  readonly verify: boolean;
  readonly strict: boolean;
  /** Why each denied provider is denied (default rules explain themselves). */
  readonly reasons: Readonly<Record<string, string>>;
}

const PRODUCTION_DEFAULT_DENY: Readonly<Record<string, string>> = {
  dotenv:
    "a .env file is a development convenience: it sits on disk next to the code, is easy to commit or copy into an image, and is not rotated. Use environment variables injected at runtime, a mounted Kubernetes Secret or a secret manager (aws, azure).",
  "hf-cli":
    "the Hugging Face CLI login cache belongs to a person's machine, not to a service. Give the service its own token through environment variables or a secret manager.",
};

/**
 * Applies the environment's defaults to a policy. In `production`, `dotenv` and `hf-cli` are denied unless the
 * policy's `allow` list names them, and `strict` defaults to true.
 */
export function resolvePolicy(environment: string, config: PolicyConfig = {}): ResolvedPolicy {
  const production = environment === "production";
  const reasons: Record<string, string> = {};
  const deny = new Set(config.deny ?? []);
  for (const name of deny) reasons[name] = `the "${environment}" policy in the config file denies it.`;
  if (production) {
    for (const [name, reason] of Object.entries(PRODUCTION_DEFAULT_DENY)) {
      if (config.allow?.includes(name) || deny.has(name)) continue;
      deny.add(name);
      reasons[name] = `production denies it by default: ${reason}`;
    }
  }
  return {
    environment,
    allow: config.allow ? [...config.allow] : undefined,
    deny: [...deny],
    tokenRole: config.tokenRole ? [...config.tokenRole] : undefined,
    verify: config.verify ?? config.tokenRole !== undefined,
    strict: config.strict ?? production,
    reasons,
  };
}

/** Throws `POLICY_VIOLATION` when the policy forbids `providerName`. */
export function assertProviderAllowed(policy: ResolvedPolicy, providerName: string, where?: string): void {
  const denied = policy.deny.includes(providerName);
  const notAllowed = policy.allow !== undefined && !policy.allow.includes(providerName);
  if (!denied && !notAllowed) return;
  const reason = denied
    ? (policy.reasons[providerName] ?? "the policy denies it.")
    : `it is not in the "${policy.environment}" policy's allow list (${policy.allow!.join(", ") || "empty"}).`;
  throw new SecretProviderError({
    code: "POLICY_VIOLATION",
    provider: providerName,
    location: where,
    message: `The "${policy.environment}" environment may not read secrets from "${providerName}": ${reason}`,
    fix: `Remove "${providerName}" from the "${policy.environment}" chain, or change the policy in the config file if this is really intended.`,
  });
}

/** Throws `POLICY_VIOLATION` when a token's role is broader than the policy allows. */
export function assertTokenRoleAllowed(
  policy: ResolvedPolicy,
  role: string,
  source: { provider: string; location: string },
): void {
  if (policy.tokenRole === undefined || (policy.tokenRole as readonly string[]).includes(role)) return;
  throw new SecretProviderError({
    code: "POLICY_VIOLATION",
    provider: source.provider,
    location: source.location,
    message: `The token from ${source.location} has the role "${role}", but the "${policy.environment}" policy allows only ${policy.tokenRole.map((r) => `"${r}"`).join(", ")}.`,
    fix: `Create a token with an allowed role (a "read" or fine-grained token with only the scopes the service needs) at https://huggingface.co/settings/tokens and store it in ${source.location}.`,
  });
}

/**
 * Wraps a provider so a value from a denied source is refused even when a nested chain or custom provider
 * produced it: the policy is checked on the value's provenance, not only on the configured chain.
 */
export function withPolicy(provider: SecretProvider, policy: ResolvedPolicy): SecretProvider {
  const check = (value: SecretValue): SecretValue => {
    assertProviderAllowed(policy, value.provider, value.location);
    return value;
  };
  const wrapped: SecretProvider = {
    name: provider.name,
    getSecret: (name: string, options?: GetSecretOptions) => provider.getSecret(name, options).then(check),
    dispose: () => provider.dispose?.() ?? Promise.resolve(),
  };
  if (provider.watch) Object.assign(wrapped, { watch: provider.watch.bind(provider) });
  if (provider.describe) Object.assign(wrapped, { describe: provider.describe.bind(provider) });
  if (provider.getPendingSecret) {
    Object.assign(wrapped, {
      getPendingSecret: async (name: string, options?: GetSecretOptions) => {
        const value = await provider.getPendingSecret!(name, options);
        return value === undefined ? undefined : check(value);
      },
    });
  }
  return wrapped;
}
