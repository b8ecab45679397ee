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

/** A finding of the doctor beyond resolution (shadowing, file hygiene, policy, ...). */
export interface DoctorCheck {
  readonly id: string;
  readonly level: "ok" | "warn" | "error";
  readonly message: string;
  readonly fix?: string | undefined;
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
        readonly strict: boolean;
      }
    | undefined;
  readonly attempts: readonly DoctorAttempt[];
  readonly winner?:
    | {
        readonly provider: string;
        readonly location: string;
        readonly masked: string;
        readonly version?: string | undefined;
        readonly fetchedAt: string;
      }
    | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly checks: readonly DoctorCheck[];
  /** True when the environment produced a usable token and no check is an error. */
  readonly ok: boolean;
}

/** Options of {@link buildDoctorReport}. */
export interface DoctorOptions
  extends Pick<ResolveEnvironmentOptions, "environment" | "config" | "cwd" | "env"> {
  /** Logical secret name; default `HF_TOKEN`. */
  readonly secretName?: string;
}

/**
 * Resolves the selected environment's chain, asks **every** provider (not only until the first answer), and
 * reports each attempt, the winner (masked), shadowed answers and problems, each with its fix.
 */
export async function buildDoctorReport(options: DoctorOptions = {}): Promise<DoctorReport> {
  const secretName = options.secretName ?? HF_TOKEN;
  let resolved: ResolvedEnvironment;
  try {
    resolved = await resolveEnvironment(options);
  } catch (thrown) {
    const error = toSecretProviderError(thrown, { provider: "config", code: "INVALID_CONFIGURATION" });
    return {
      secretName,
      environment: selectEnvironment(options.environment, options.env),
      configFile: undefined,
      chain: [],
      excluded: [],
      attempts: [],
      error: { code: error.code, message: error.message },
      checks: [{ id: "configuration", level: "error", message: error.detail, fix: error.fix }],
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
        checks.push({ id: warning.code, level: "warn", message: `${attempt.provider}: ${warning.message}` });
      }
    }
    const winner = trace.winner;
    for (const shadowed of trace.attempts.filter((a) => a.shadowed)) {
      checks.push({
        id: "shadowed",
        level: "warn",
        message: `${shadowed.provider} (${shadowed.location}) also has ${secretName}, but ${winner?.provider} (${winner?.location}) wins${winner?.value.equals(shadowed.value?.value) ? " (same value)" : " with a different value"}.`,
        fix:
          shadowed.provider === "hf-cli" && winner?.provider === "env"
            ? `Your \`hf auth login\` token is ignored while ${winner.location.replace("env:", "")} is set: unset it to use the CLI login.`
            : "Remove the value you do not intend to use, so nobody is surprised by which one wins.",
      });
    }
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
        strict: resolved.policy.strict,
      },
      attempts,
      winner: winner && {
        provider: winner.provider,
        location: winner.location,
        masked: winner.value.masked,
        version: winner.version,
        fetchedAt: new Date(winner.fetchedAt).toISOString(),
      },
      error: trace.error ? { code: trace.error.code, message: trace.error.message } : undefined,
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
