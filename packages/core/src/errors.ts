import { maskSecret } from "./mask.js";

/**
 * What went wrong, as a stable code a program can switch on.
 *
 * - `NOT_FOUND`: the provider does not have the secret; a chain moves on to the next provider.
 * - `INVALID_CONFIGURATION`: options or files are wrong; stops a chain (never silently skipped).
 * - `ACCESS_DENIED`: the backend refused the identity (401/403); stops a chain.
 * - `TRANSIENT`, `THROTTLED`, `TIMEOUT`: the backend may answer later; `cached()` retries and may serve a stale value.
 * - `MALFORMED_SECRET`: the secret exists but cannot be used (bad JSON, missing key, not UTF-8, bad base64).
 * - `EXPIRED`, `DISABLED`: the backend marks the secret unusable (expired, not yet valid, disabled, being deleted).
 * - `POLICY_VIOLATION`: the environment's policy forbids this source or token.
 * - `PROVIDER_NOT_INSTALLED`: a configured provider's package is missing.
 * - `TOKEN_REJECTED`: Hugging Face rejected the token even after a refresh.
 * - `ABORTED`, `DISPOSED`: the caller aborted, or the cache was disposed.
 */
export type SecretErrorCode =
  | "NOT_FOUND"
  | "INVALID_CONFIGURATION"
  | "ACCESS_DENIED"
  | "TRANSIENT"
  | "THROTTLED"
  | "TIMEOUT"
  | "MALFORMED_SECRET"
  | "EXPIRED"
  | "DISABLED"
  | "POLICY_VIOLATION"
  | "PROVIDER_NOT_INSTALLED"
  | "TOKEN_REJECTED"
  | "ABORTED"
  | "DISPOSED";

const TRANSIENT_CODES: ReadonlySet<SecretErrorCode> = new Set(["TRANSIENT", "THROTTLED", "TIMEOUT"]);

/** True for codes after which a later attempt may succeed (network faults, 5xx, 429, timeouts). */
export function isTransientCode(code: SecretErrorCode): boolean {
  return TRANSIENT_CODES.has(code);
}

const BASE_MARKER = Symbol.for("@hf-secrets/core/SecretProviderError");
const NOT_FOUND_MARKER = Symbol.for("@hf-secrets/core/SecretNotFoundError");
const AGGREGATE_MARKER = Symbol.for("@hf-secrets/core/AggregateSecretError");

// A Hugging Face credential inside text (the shapes `hf-secrets scan` looks for). A configuration can hold one
// by mistake — pasted where a name belongs (a chain entry, a variable name, a secret id) — and an error that
// names the bad entry would repeat it: messages reach logs and bug reports.
const CREDENTIAL_IN_TEXT = /(?<![A-Za-z0-9_])(?:hf_(?:oauth_)?|api_org_)[A-Za-z0-9]{30,}(?![A-Za-z0-9_])/g;

/** Masks every Hugging Face credential found in `text` (`hf_****abcd`). */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIAL_IN_TEXT, (found) => maskSecret(found));
}

/** Everything needed to build a {@link SecretProviderError}. Never put a secret value in any field. */
export interface SecretProviderErrorInit {
  /** Stable code; see {@link SecretErrorCode}. */
  code: SecretErrorCode;
  /** Provider name, e.g. `"aws"`. */
  provider: string;
  /** What happened, in one or two sentences, without the value. */
  message: string;
  /** How to fix it, as an instruction. */
  fix?: string;
  /** Where the provider looked, e.g. `env:HF_TOKEN` or `aws:prod/hf#HF_TOKEN@AWSCURRENT`. */
  location?: string;
  /** The logical secret name, e.g. `HF_TOKEN`. */
  secretName?: string;
  /** Whether a chain should try the next provider. Defaults to `true` only for `NOT_FOUND`. */
  tryNext?: boolean;
  /** The backend's `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  /** The underlying error; it is reduced to name, code, status and message (see {@link toSafeCause}). */
  cause?: unknown;
}

/**
 * The one base error of hf-secrets. Its message says what happened and how to fix it; it never holds a secret
 * value, a header or a request. `cause` is reduced to a plain error (name, code, status, message).
 *
 * Use {@link SecretProviderError.isInstance} rather than `instanceof`: it also recognises errors from another
 * installed copy of `@hf-secrets/core`.
 */
export class SecretProviderError extends Error {
  /** Stable machine-readable code. */
  readonly code: SecretErrorCode;
  /** Provider that raised the error. */
  readonly provider: string;
  /** Whether a chain should move on to the next provider. */
  readonly tryNext: boolean;
  /** Whether a later attempt may succeed (drives retries and stale-if-error). */
  readonly transient: boolean;
  /** Where the provider looked, never the value. */
  readonly location: string | undefined;
  /** The fix, also included in `message`. */
  readonly fix: string | undefined;
  /** Logical secret name, when known. */
  readonly secretName: string | undefined;
  /** Backend-requested delay before the next attempt, in ms. */
  readonly retryAfterMs: number | undefined;
  /** The message without the `[hf-secrets] [provider]` prefix and the fix. */
  readonly detail: string;

  /** @param init - see {@link SecretProviderErrorInit}. */
  constructor(init: SecretProviderErrorInit) {
    const fix = init.fix ? ` Fix: ${redactCredentials(init.fix)}` : "";
    super(`[hf-secrets] [${init.provider}] ${redactCredentials(init.message)}${fix}`);
    if (init.cause !== undefined) {
      Object.defineProperty(this, "cause", {
        value: toSafeCause(init.cause),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    this.name = "SecretProviderError";
    this.code = init.code;
    this.provider = init.provider;
    this.tryNext = init.tryNext ?? init.code === "NOT_FOUND";
    this.transient = isTransientCode(init.code);
    this.location = init.location === undefined ? undefined : redactCredentials(init.location);
    this.fix = init.fix === undefined ? undefined : redactCredentials(init.fix);
    this.secretName = init.secretName === undefined ? undefined : redactCredentials(init.secretName);
    this.retryAfterMs = init.retryAfterMs;
    this.detail = redactCredentials(init.message);
    Object.defineProperty(this, BASE_MARKER, { value: true });
  }

  /** True for a SecretProviderError (or subclass) from any copy of `@hf-secrets/core`. */
  static isInstance(error: unknown): error is SecretProviderError {
    return hasMarker(error, BASE_MARKER);
  }
}

/**
 * The provider does not have the secret. `tryNext` is `true`: a chain moves on.
 */
export class SecretNotFoundError extends SecretProviderError {
  /** @param init - as {@link SecretProviderErrorInit} without `code`. */
  constructor(init: Omit<SecretProviderErrorInit, "code">) {
    super({ ...init, code: "NOT_FOUND", tryNext: init.tryNext ?? true });
    this.name = "SecretNotFoundError";
    Object.defineProperty(this, NOT_FOUND_MARKER, { value: true });
  }

  /** True for a SecretNotFoundError from any copy of `@hf-secrets/core`. */
  static override isInstance(error: unknown): error is SecretNotFoundError {
    return hasMarker(error, NOT_FOUND_MARKER);
  }
}

/** One provider's answer during a resolution, as shown by a chain's error and by the doctor. */
export interface ResolutionAttempt {
  /** Provider name. */
  readonly provider: string;
  /** Where it looked. */
  readonly location?: string | undefined;
  /** `answered`, `not-found` or `error`. */
  readonly outcome: "answered" | "not-found" | "error" | "skipped";
  /** The error code when it did not answer. */
  readonly code?: SecretErrorCode | undefined;
  /** One line: why it did not answer (or what it answered, masked). */
  readonly reason: string;
  /** How to make it answer. */
  readonly fix?: string | undefined;
}

/**
 * Every provider of a chain failed. `attempts` lists each one (provider, location, reason, fix) and `errors`
 * holds the errors themselves. `tryNext` is true when every attempt was a `tryNext` error, so a chain inside a
 * chain still falls through.
 */
export class AggregateSecretError extends SecretProviderError {
  /** One entry per provider tried, in order. */
  readonly attempts: readonly ResolutionAttempt[];
  /** The providers' errors, in order. */
  readonly errors: readonly SecretProviderError[];

  /**
   * @param secretName - logical name that was asked for.
   * @param errors - each provider's error, in chain order.
   */
  constructor(secretName: string, errors: readonly SecretProviderError[], provider = "chain") {
    const attempts = errors.map(attemptFromError);
    const lines = attempts.map(
      (a) =>
        `  - ${a.provider}${a.location ? ` (${a.location})` : ""}: ${a.reason}${a.fix ? ` Fix: ${a.fix}` : ""}`,
    );
    const allTryNext = errors.every((e) => e.tryNext);
    super({
      code: allTryNext ? "NOT_FOUND" : (errors.find((e) => !e.tryNext)?.code ?? "NOT_FOUND"),
      provider,
      secretName,
      tryNext: allTryNext,
      message: `No provider had "${secretName}". Tried ${errors.length === 0 ? "no provider (the chain is empty)" : `in order:\n${lines.join("\n")}`}`,
    });
    this.name = "AggregateSecretError";
    this.attempts = attempts;
    this.errors = errors;
    Object.defineProperty(this, AGGREGATE_MARKER, { value: true });
  }

  /** True for an AggregateSecretError from any copy of `@hf-secrets/core`. */
  static override isInstance(error: unknown): error is AggregateSecretError {
    return hasMarker(error, AGGREGATE_MARKER);
  }
}

/** Turns a provider error into the attempt line used by chains and reports. */
export function attemptFromError(error: SecretProviderError): ResolutionAttempt {
  return {
    provider: error.provider,
    location: error.location,
    outcome: error.code === "NOT_FOUND" ? "not-found" : "error",
    code: error.code,
    reason: error.detail,
    fix: error.fix,
  };
}

/**
 * Wraps anything thrown by a backend or SDK into a {@link SecretProviderError}; SecretProviderErrors pass
 * through unchanged. Use it in a provider's catch-all path.
 */
export function toSecretProviderError(
  error: unknown,
  fallback: Omit<SecretProviderErrorInit, "cause" | "message" | "code"> & {
    code?: SecretErrorCode;
    message?: string;
  },
): SecretProviderError {
  if (SecretProviderError.isInstance(error)) return error;
  const safe = toSafeCause(error);
  return new SecretProviderError({
    code: fallback.code ?? "TRANSIENT",
    message: fallback.message ?? `The backend call failed: ${safe.message}`,
    ...fallback,
    cause: safe,
  });
}

const MAX_CAUSE_MESSAGE = 300;

/**
 * Reduces any thrown value to a plain `Error` with only `name`, `message` (truncated), `code` and
 * `statusCode`: SDK errors often carry the request, the response, headers or a parsed body, and none of that
 * may travel with an hf-secrets error. SecretProviderErrors are kept as they are.
 *
 * Never pass a parser error whose message quotes its input (e.g. `JSON.parse` on a secret): write a message.
 */
export function toSafeCause(error: unknown): Error {
  if (SecretProviderError.isInstance(error)) return error;
  const source = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const name = typeof source.name === "string" ? source.name : "Error";
  const rawMessage =
    typeof source.message === "string" ? source.message : typeof error === "string" ? error : "";
  const safe = new Error(rawMessage.slice(0, MAX_CAUSE_MESSAGE));
  safe.name = name;
  const code = source.code ?? source.Code;
  if (typeof code === "string" || typeof code === "number") (safe as Error & { code?: unknown }).code = code;
  const status =
    source.statusCode ??
    source.status ??
    (source.$metadata as Record<string, unknown> | undefined)?.httpStatusCode ??
    (source.response as Record<string, unknown> | undefined)?.statusCode;
  if (typeof status === "number") (safe as Error & { statusCode?: number }).statusCode = status;
  return safe;
}

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}
