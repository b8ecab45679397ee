import type { Secret } from "./secret.js";

/** Options for one {@link SecretProvider.getSecret} call. */
export interface GetSecretOptions {
  /** Skip every cache and ask the backend now (single-flight and rate-limited inside `cached()`). */
  readonly forceRefresh?: boolean;
  /** Abort the call; providers pass it to their backend request. */
  readonly signal?: AbortSignal;
}

/** Something a provider noticed that is not an error: loose file permissions, a `.env` not git-ignored, ... */
export interface SecretWarning {
  /** Stable code, e.g. `LOOSE_PERMISSIONS`, `NOT_GIT_IGNORED`. */
  readonly code: string;
  /** What is wrong and how to fix it. Never the value. */
  readonly message: string;
  /** The file or resource concerned. */
  readonly location?: string;
}

/** A secret with its provenance. Frozen; the value itself is a {@link Secret}, never a bare string. */
export interface SecretValue {
  /** The value, masked wherever it is printed. */
  readonly value: Secret;
  /** Which provider answered, e.g. `"env"`, `"aws"`. */
  readonly provider: string;
  /** Where it was read, e.g. `env:HF_TOKEN`, `aws:prod/hf#HF_TOKEN@AWSCURRENT`. Never the value. */
  readonly location: string;
  /** Backend version id or stage, when there is one. */
  readonly version?: string | undefined;
  /** Backend-stated expiry (epoch ms); the cache never serves the value after it. */
  readonly expiresAt?: number | undefined;
  /** When it was read from the backend (epoch ms). */
  readonly fetchedAt: number;
  /** True when served from the cache after a failed refresh (stale-if-error). */
  readonly stale?: boolean | undefined;
  /** Non-fatal findings of the provider (loose permissions, ...). */
  readonly warnings?: readonly SecretWarning[] | undefined;
}

/**
 * The contract every source implements. Absent is an error, not `null`: throw a `SecretNotFoundError`
 * (`tryNext: true`) so a chain moves on; throw `INVALID_CONFIGURATION` or `ACCESS_DENIED` to stop it.
 */
export interface SecretProvider {
  /** Short name used in provenance, errors and configuration: `"env"`, `"aws"`, ... */
  readonly name: string;
  /** Reads one secret by its logical name (the HF token is `HF_TOKEN`). */
  getSecret(name: string, options?: GetSecretOptions): Promise<SecretValue>;
  /**
   * Optional push invalidation (a file watch, a Kubernetes watch). Calls `onChange` when the backend changes;
   * returns a function that stops watching.
   */
  watch?(name: string, onChange: () => void): () => void;
  /**
   * Optional: a value that may be about to become current (AWS `AWSPENDING`), tried once by the HF client when
   * the current token is rejected during a rotation. Resolves `undefined` when there is none.
   */
  getPendingSecret?(name: string, options?: GetSecretOptions): Promise<SecretValue | undefined>;
  /**
   * Optional: where this provider would look for `name`, without reading it (for reports and errors).
   */
  describe?(name: string): string;
  /** Releases clients, watchers and timers. Idempotent. */
  dispose?(): Promise<void>;
}

/** Input of {@link createSecretValue}. */
export interface SecretValueInit extends Omit<SecretValue, "fetchedAt" | "value"> {
  /** The value (a Secret is kept as is, a string is wrapped). */
  readonly value: Secret | string;
  /** Defaults to `Date.now()`. */
  readonly fetchedAt?: number;
}
