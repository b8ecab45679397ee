import type { TokenInfo } from "@hf-secrets/client";
import {
  assertTokenRoleAllowed,
  type ResolvedPolicy,
  SecretProviderError,
  type TracedAttempt,
} from "@hf-secrets/core";
import { loadTokenVerifier } from "../../secrets/load-token-verifier.js";
import type { DoctorCheck } from "../doctor-check.js";

/** What the Hub said about one answered token (never the token). */
export interface DoctorVerification {
  readonly provider: string;
  readonly location: string;
  /** True for the token the chain uses. */
  readonly used: boolean;
  readonly account?: string | undefined;
  readonly accountType?: string | undefined;
  readonly role?: string | undefined;
  readonly tokenName?: string | undefined;
  readonly fineGrained?: TokenInfo["fineGrained"];
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

/** Options of {@link verificationChecks}. */
export interface VerificationOptions {
  /** Hub base URL; default https://huggingface.co. */
  readonly hubUrl?: string | undefined;
  /** Base fetch (tests). */
  readonly fetch?: typeof fetch | undefined;
}

/**
 * Checks every answered token with the Hub's `whoami-v2` (through `TokenVerifier`: once per distinct token,
 * 429 answered with a wait) and the used token's role against the policy's `tokenRole`.
 */
export async function verificationChecks(
  attempts: readonly TracedAttempt[],
  policy: ResolvedPolicy,
  options: VerificationOptions,
): Promise<{ verifications: DoctorVerification[]; checks: DoctorCheck[] }> {
  const TokenVerifier = await loadTokenVerifier();
  const verifier = new TokenVerifier({ hubUrl: options.hubUrl, fetch: options.fetch });
  const verifications: DoctorVerification[] = [];
  const checks: DoctorCheck[] = [];
  for (const attempt of attempts) {
    const value = attempt.value;
    if (!value) continue;
    const base = { provider: value.provider, location: value.location, used: attempt.used };
    const severity = attempt.used ? "error" : "warn";
    try {
      const info = await verifier.info(value);
      verifications.push({
        ...base,
        account: info.name,
        accountType: info.type,
        role: info.role,
        tokenName: info.tokenName,
        fineGrained: info.fineGrained && {
          global: [...(info.fineGrained.global ?? [])],
          scoped: (info.fineGrained.scoped ?? []).map((s) => ({
            entity: { type: s.entity.type, name: s.entity.name },
            permissions: [...s.permissions],
          })),
        },
      });
      checks.push({
        id: "TOKEN_VERIFIED",
        level: "ok",
        location: value.location,
        message: `The token from ${value.location} is valid: ${info.type} "${info.name}", role ${info.role ?? "unknown"}${info.tokenName ? `, token "${info.tokenName}"` : ""}${describeScopes(info.fineGrained)}.`,
      });
      if (!attempt.used) continue;
      try {
        assertTokenRoleAllowed(policy, info.role ?? "unknown", value);
        if (policy.tokenRole)
          checks.push({
            id: "TOKEN_ROLE",
            level: "ok",
            location: value.location,
            message: `Its role "${info.role}" is allowed by the "${policy.environment}" policy (${policy.tokenRole.join(", ")}).`,
          });
      } catch (error) {
        if (!SecretProviderError.isInstance(error)) throw error;
        checks.push({
          id: error.code,
          level: "error",
          location: value.location,
          message: error.detail,
          fix: error.fix,
        });
      }
    } catch (thrown) {
      if (!SecretProviderError.isInstance(thrown)) throw thrown;
      verifications.push({ ...base, error: { code: thrown.code, message: thrown.detail } });
      checks.push({
        id: thrown.code === "TOKEN_REJECTED" ? "TOKEN_REJECTED" : "VERIFY_FAILED",
        level: severity,
        location: value.location,
        message:
          thrown.code === "TOKEN_REJECTED"
            ? `${thrown.detail}${attempt.used ? "" : " (this token is shadowed, not used)"}`
            : `The token from ${value.location} could not be checked: ${thrown.detail}`,
        fix: thrown.fix,
      });
    }
  }
  return { verifications, checks };
}

function describeScopes(fineGrained: DoctorVerification["fineGrained"]): string {
  if (!fineGrained) return "";
  const parts = [
    ...(fineGrained.global.length > 0 ? [`global: ${fineGrained.global.join(", ")}`] : []),
    ...fineGrained.scoped.map((s) => `${s.entity.type} ${s.entity.name}: ${s.permissions.join(", ")}`),
  ];
  return parts.length > 0 ? `, scopes: ${parts.join("; ")}` : ", no scopes";
}
