import { createHash } from "node:crypto";
import {
  assertTokenRoleAllowed,
  parseRetryAfter,
  type ResolvedPolicy,
  SecretProviderError,
  type SecretValue,
  toSafeCause,
} from "@hf-secrets/core";
import { whoAmI } from "@huggingface/hub";

/** What the Hub says about a token (`whoami-v2`), without the token. */
export interface TokenInfo {
  /** Account name. */
  readonly name: string;
  /** `user`, `org` or `app`. */
  readonly type: string;
  /** Token role: `read`, `write`, `fineGrained`, ... */
  readonly role: string | undefined;
  /** The token's display name on the Hub. */
  readonly tokenName: string | undefined;
  /** Fine-grained permissions, when the role is `fineGrained`. */
  readonly fineGrained?:
    | {
        readonly global: readonly string[];
        readonly scoped: ReadonlyArray<{
          readonly entity: { readonly type: string; readonly name: string };
          readonly permissions: readonly string[];
        }>;
      }
    | undefined;
}

/** Options of {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** Hub base URL; default `https://huggingface.co`. */
  readonly hubUrl?: string;
  /** Base fetch; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Attempts on 429/5xx, honouring `Retry-After` (capped at 10 s). Default 3. */
  readonly attempts?: number;
}

const MAX_WAIT_MS = 10_000;

/**
 * Checks tokens with the Hub's `whoami-v2` once per token: results are cached by a SHA-256 digest of the token
 * (never the token itself), concurrent checks share one request, and a 429 waits for `Retry-After`. Failures
 * are not cached.
 */
export class TokenVerifier {
  readonly #results = new Map<string, Promise<TokenInfo>>();
  readonly #options: TokenVerifierOptions;

  /** @param options - see {@link TokenVerifierOptions}. */
  constructor(options: TokenVerifierOptions = {}) {
    this.#options = options;
  }

  /** Number of distinct tokens checked (or being checked). */
  get size(): number {
    return this.#results.size;
  }

  /** The Hub's description of the token; throws `TOKEN_REJECTED` when the Hub does not accept it. */
  info(value: SecretValue): Promise<TokenInfo> {
    const key = createHash("sha256").update(value.value.reveal()).digest("base64url");
    let pending = this.#results.get(key);
    if (!pending) {
      pending = this.#lookup(value);
      this.#results.set(key, pending);
      pending.catch(() => this.#results.delete(key));
    }
    return pending;
  }

  /** Checks the token and the policy's `tokenRole`; throws `POLICY_VIOLATION` for a broader role. */
  async verify(value: SecretValue, policy: ResolvedPolicy): Promise<TokenInfo> {
    const info = await this.info(value);
    assertTokenRoleAllowed(policy, info.role ?? "unknown", value);
    return info;
  }

  async #lookup(value: SecretValue): Promise<TokenInfo> {
    const baseFetch = this.#options.fetch ?? fetch;
    const attempts = this.#options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      let retryAfter: string | null = null;
      try {
        const answer = await whoAmI({
          accessToken: value.value.reveal(),
          hubUrl: this.#options.hubUrl,
          fetch: async (input, init) => {
            const response = await baseFetch(input, init);
            retryAfter = response.headers.get("retry-after");
            return response;
          },
        });
        const token = answer.auth.accessToken as
          | { displayName?: string; role?: string; fineGrained?: TokenInfo["fineGrained"] }
          | undefined;
        return Object.freeze({
          name: answer.name,
          type: answer.type,
          role: token?.role,
          tokenName: token?.displayName,
          fineGrained: token?.fineGrained,
        });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 401 || status === 403) {
          throw new SecretProviderError({
            code: "TOKEN_REJECTED",
            provider: value.provider,
            location: value.location,
            message: `Hugging Face does not accept the token from ${value.location} (whoami-v2 answered ${status}).`,
            fix: `Store a valid token in ${value.location}; create one at https://huggingface.co/settings/tokens.`,
          });
        }
        const transient = status === undefined || status === 429 || status >= 500;
        if (!transient || attempt >= attempts) {
          throw new SecretProviderError({
            code: status === 429 ? "THROTTLED" : "TRANSIENT",
            provider: "hub",
            location: `${this.#options.hubUrl ?? "https://huggingface.co"}/api/whoami-v2`,
            message: `Checking the token with whoami-v2 failed${status ? ` (HTTP ${status})` : ""}.`,
            fix: "Retry later; if it persists, check the network path to the Hub or turn verify off.",
            retryAfterMs: parseRetryAfter(retryAfter) ?? undefined,
            cause: toSafeCause(error),
          });
        }
        const wait = Math.min(MAX_WAIT_MS, parseRetryAfter(retryAfter) ?? 250 * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
