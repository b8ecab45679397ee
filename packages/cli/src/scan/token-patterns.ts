import type { ScanRuleId } from "./scan-rules.js";

/** A token-shaped match in a text. */
export interface TokenMatch {
  readonly ruleId: ScanRuleId;
  /** The matched text (the credential). Callers keep it in memory and print only its mask. */
  readonly value: string;
  /** Offset in the text (UTF-16 code units). */
  readonly index: number;
}

/**
 * The token shapes, each anchored on a literal prefix so a scan stays linear. A token must not be glued to a
 * letter, digit or `_` on either side: `hf_secrets_managed_placeholder` or `my_hf_…_name` are identifiers,
 * not tokens. Bodies are bounded, so even adversarial input cannot make a match backtrack far.
 */
const TOKEN_PATTERNS: ReadonlyArray<{ ruleId: ScanRuleId; prefix: string; pattern: RegExp }> = [
  // Classic user access tokens: `hf_` + 34 characters. Every token seen in the wild and every public scanner
  // rule (gitleaks, detect-secrets, GitHub) has exactly 34 letters; digits are accepted too because no
  // Hugging Face source rules them out. Not 30–40: a looser length only adds false positives on identifiers.
  {
    ruleId: "hf-user-access-token",
    prefix: "hf_",
    pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g,
  },
  // OAuth access tokens (Spaces "Sign in with HF", `hf auth login` device flow): `hf_oauth_` + an opaque body.
  // Its length is not documented, so at least 20 characters (config keys like `hf_oauth_scopes` are shorter or
  // contain `_`).
  {
    ruleId: "hf-oauth-token",
    prefix: "hf_oauth_",
    pattern: /(?<![A-Za-z0-9_])hf_oauth_[A-Za-z0-9]{20,200}(?![A-Za-z0-9_])/g,
  },
  // `hf_jwt_` + a JWT: a base64url header that starts with `eyJ` (`{"`), a payload and a signature, dot-separated.
  // Requiring the JWT structure keeps identifiers such as `hf_jwt_public_keys` out.
  {
    ruleId: "hf-jwt-token",
    prefix: "hf_jwt_",
    pattern:
      /(?<![A-Za-z0-9_])hf_jwt_eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{0,2000}/g,
  },
  // Legacy organization API tokens (deprecated by Hugging Face, still valid where they exist).
  {
    ruleId: "hf-legacy-org-token",
    prefix: "api_org_",
    pattern: /(?<![A-Za-z0-9_])api_org_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g,
  },
];

/** The placeholder the HF client shows instead of a token (`@hf-secrets/client`'s `MANAGED_TOKEN_PLACEHOLDER`). */
export const CLIENT_PLACEHOLDER = "hf_secrets_managed_placeholder";

/** Quick test: can `text` contain a token at all? (Most files cannot; the scanner skips them at once.) */
export function mayContainToken(text: string): boolean {
  return text.includes("hf_") || text.includes("api_org_");
}

/** Finds every Hugging Face token in `text`, in order of position. Linear in the length of the text. */
export function findTokens(text: string): TokenMatch[] {
  const matches: TokenMatch[] = [];
  for (const { ruleId, prefix, pattern } of TOKEN_PATTERNS) {
    if (!text.includes(prefix)) continue;
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      if (match[0] === CLIENT_PLACEHOLDER) continue;
      matches.push({ ruleId, value: match[0], index: match.index });
    }
  }
  return matches.sort((a, b) => a.index - b.index);
}

/** True when `value` is, as a whole, a Hugging Face token of a known shape. */
export function isTokenShaped(value: string): boolean {
  const found = findTokens(value);
  return found.length === 1 && found[0]!.value === value;
}
