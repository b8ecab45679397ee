import { dirname } from "node:path";
import {
  HF_TOKEN,
  type ResolvedEnvironment,
  type ResolveEnvironmentOptions,
  resolveEnvironment,
  SecretProviderError,
  type SelectedEnvironment,
  selectEnvironment,
  toSecretProviderError,
  traceResolution,
} from "@hf-secrets/core";
import { dockerfileChecks } from "./checks/dockerfile-checks.js";
import { fileHygieneChecks } from "./checks/file-hygiene-checks.js";
import { type DoctorVerification, verificationChecks } from "./checks/verification-checks.js";
import type { DoctorCheck } from "./doctor-check.js";
import { fileModifiedAt } from "./provenance.js";

/** One provider's line in the report. Never holds a value: only its mask. */
export interface DoctorAttempt {
  readonly provider: string;
  readonly location?: string | undefined;
  readonly outcome: "answered" | "not-found" | "error" | "skipped";
  readonly code?: string | undefined;
  readonly reason: string;
  readonly fix?: string | undefined;
  /** The chain uses this provider's value. */
  readonly used: boolean;
  /** This provider has the secret but an earlier one wins. */
  readonly shadowed: boolean;
  readonly masked?: string | undefined;
  readonly version?: string | undefined;
}

/** Everything `hf-secrets doctor` found, as data (`--json` prints it as is). */
export interface DoctorReport {
  readonly secretName: string;
  readonly environment: SelectedEnvironment;
  readonly configFile: string | undefined;
  readonly chain: readonly string[];
  readonly excluded: readonly { readonly name: string; readonly reason: string }[];
  readonly policy?:
    | {
        readonly allow?: readonly string[] | undefined;
        readonly deny: readonly string[];
        readonly tokenRole?: readonly string[] | undefined;
        readonly verify: boolean;
        readonly strict: boolean;
      }
    | undefined;
  readonly attempts: readonly DoctorAttempt[];
  /** The value the chain uses, masked, with its provenance. */
  readonly winner?:
    | {
        readonly provider: string;
        readonly location: string;
        readonly masked: string;
        readonly version?: string | undefined;
        readonly fetchedAt: string;
        /** When the file behind the location was last written (file-based providers). */
        readonly modifiedAt?: string | undefined;
        /** Milliseconds since `modifiedAt`. */
        readonly ageMs?: number | undefined;
        /** Backend-stated expiry. */
        readonly expiresAt?: string | undefined;
      }
    | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  /** With `verify`: what the Hub says about each answered token. */
  readonly verification?: readonly DoctorVerification[] | undefined;
  readonly checks: readonly DoctorCheck[];
  /** True when the environment produced a usable token and no check is an error. */
  readonly ok: boolean;
}

/** Options of {@link buildDoctorReport}. */
export interface DoctorOptions
  extends Pick<ResolveEnvironmentOptions, "environment" | "config" | "cwd" | "env" | "importer"> {
  /** Logical secret name; default `HF_TOKEN`. */
  readonly secretName?: string;
  /** Check the tokens with the Hub's `whoami-v2` and the role against the policy. */
  readonly verify?: boolean;
  /** Hub base URL for `verify`; default `HF_ENDPOINT`, else https://huggingface.co. */
  readonly hubUrl?: string | undefined;
  /** Base fetch for `verify` (tests). */
  readonly fetch?: typeof fetch | undefined;
  /** Current time in epoch ms (tests); default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Resolves the selected environment's chain, asks **every** provider (not only until the first answer), and
 * reports each attempt, the winner (masked) with its provenance, shadowed answers, file and Dockerfile hygiene,
 * the policy, and (with `verify`) what the Hub says about the token — each problem with its fix.
 */
export async function buildDoctorReport(options: DoctorOptions = {}): Promise<DoctorReport> {
  const secretName = options.secretName ?? HF_TOKEN;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const isHfToken = secretName === HF_TOKEN;
  let resolved: ResolvedEnvironment;
  try {
    resolved = await resolveEnvironment({ ...options, cwd, env });
  } catch (thrown) {
    const error = toSecretProviderError(thrown, { provider: "config", code: "INVALID_CONFIGURATION" });
    const checks: DoctorCheck[] = [
      {
        id: error.code === "POLICY_VIOLATION" ? "POLICY_VIOLATION" : "configuration",
        level: "error",
        message: error.detail,
        fix: error.fix,
        location: error.location,
      },
    ];
    if (isHfToken) {
      checks.push(
        ...(await fileHygieneChecks({ dotenvDir: cwd, env, erroredProviders: new Set(), existing: checks })),
        ...(await dockerfileChecks(cwd)),
      );
    }
    return {
      secretName,
      environment: selectEnvironment(options.environment, env),
      configFile: undefined,
      chain: [],
      excluded: [],
      attempts: [],
      error: { code: error.code, message: error.message },
      checks,
      ok: false,
    };
  }
  try {
    const trace = await traceResolution(
      resolved.members.map((m) => m.provider),
      secretName,
    );
    const attempts: DoctorAttempt[] = trace.attempts.map((a) => ({
      provider: a.provider,
      location: a.location,
      outcome: a.outcome,
      code: a.code,
      reason: a.reason,
      fix: a.fix,
      used: a.used,
      shadowed: a.shadowed,
      masked: a.value?.value.masked,
      version: a.value?.version,
    }));
    const checks: DoctorCheck[] = [];
    for (const attempt of trace.attempts) {
      for (const warning of attempt.value?.warnings ?? []) {
        checks.push({
          id: warning.code,
          level: "warn",
          message: `${attempt.provider}: ${warning.message}`,
          location: warning.location ?? attempt.location,
        });
      }
    }
    const winner = trace.winner;
    for (const shadowed of trace.attempts.filter((a) => a.shadowed)) {
      checks.push({
        id: "shadowed",
        level: "warn",
        location: shadowed.location,
        message: `${shadowed.provider} (${shadowed.location}) also has ${secretName}, but ${winner?.provider} (${winner?.location}) wins${winner?.value.equals(shadowed.value?.value) ? " (same value)" : " with a different value"}.`,
        fix:
          shadowed.provider === "hf-cli" && winner?.provider === "env"
            ? `Your \`hf auth login\` token is ignored while ${winner.location.replace("env:", "")} is set: unset it to use the CLI login.`
            : "Remove the value you do not intend to use, so nobody is surprised by which one wins.",
      });
    }
    if (winner?.location === "env:HUGGING_FACE_HUB_TOKEN") {
      checks.push({
        id: "DEPRECATED_VARIABLE",
        level: "info",
        location: winner.location,
        message: "The token comes from HUGGING_FACE_HUB_TOKEN, the old name huggingface_hub still reads.",
        fix: "Rename the variable to HF_TOKEN.",
      });
    }
    if (trace.error && !winner) {
      const failed = trace.error;
      if (failed.code === "POLICY_VIOLATION" || failed.code === "TOKEN_REJECTED") {
        checks.push({
          id: failed.code,
          level: "error",
          location: failed.location,
          message: failed.detail,
          fix: failed.fix,
        });
      }
    }
    if (isHfToken) {
      const erroredProviders = new Set(
        trace.attempts.filter((a) => a.outcome === "error").map((a) => a.provider),
      );
      checks.push(
        ...(await fileHygieneChecks({
          dotenvDir: resolved.configFile ? dirname(resolved.configFile) : cwd,
          env,
          erroredProviders,
          existing: checks,
        })),
        ...(await dockerfileChecks(cwd)),
      );
    }
    let verification: DoctorVerification[] | undefined;
    if (options.verify && isHfToken) {
      try {
        const verified = await verificationChecks(trace.attempts, resolved.policy, {
          hubUrl: options.hubUrl ?? (env.HF_ENDPOINT || undefined),
          fetch: options.fetch,
        });
        verification = verified.verifications;
        checks.push(...verified.checks);
      } catch (error) {
        if (!SecretProviderError.isInstance(error)) throw error;
        checks.push({ id: "VERIFY_FAILED", level: "error", message: error.detail, fix: error.fix });
      }
    } else if (resolved.policy.verify && isHfToken && winner) {
      checks.push({
        id: "VERIFY_RECOMMENDED",
        level: "info",
        message: `The "${resolved.environment.name}" policy checks the token with the Hub before use${resolved.policy.tokenRole ? ` (allowed roles: ${resolved.policy.tokenRole.join(", ")})` : ""}.`,
        fix: "Run `hf-secrets doctor --verify` to make the same check now.",
      });
    }
    const modifiedAt = winner ? await fileModifiedAt(winner.location) : undefined;
    return {
      secretName,
      environment: resolved.environment,
      configFile: resolved.configFile,
      chain: resolved.members.map((m) => m.name),
      excluded: resolved.excluded,
      policy: {
        allow: resolved.policy.allow,
        deny: resolved.policy.deny,
        tokenRole: resolved.policy.tokenRole,
        verify: resolved.policy.verify,
        strict: resolved.policy.strict,
      },
      attempts,
      winner: winner && {
        provider: winner.provider,
        location: winner.location,
        masked: winner.value.masked,
        version: winner.version,
        fetchedAt: new Date(winner.fetchedAt).toISOString(),
        modifiedAt: modifiedAt === undefined ? undefined : new Date(modifiedAt).toISOString(),
        ageMs: modifiedAt === undefined ? undefined : Math.max(0, now() - modifiedAt),
        expiresAt: winner.expiresAt === undefined ? undefined : new Date(winner.expiresAt).toISOString(),
      },
      error: trace.error ? { code: trace.error.code, message: trace.error.message } : undefined,
      verification,
      checks,
      ok: winner !== undefined && !checks.some((c) => c.level === "error"),
    };
  } finally {
    await resolved.provider.dispose?.();
  }
}

/** True for errors hf-secrets produced (as opposed to bugs). */
export function isKnownError(error: unknown): error is SecretProviderError {
  return SecretProviderError.isInstance(error);
}
