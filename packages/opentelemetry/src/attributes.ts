/**
 * Names of the span and metric attributes this bridge sets. Every one is provenance or an outcome: none ever
 * holds a secret value.
 */
export const ATTRIBUTES = {
  /** The logical secret name asked for, e.g. `HF_TOKEN` (a name, never the value). */
  secretName: "hf_secrets.secret.name",
  /** The provider that answered or failed, e.g. `env`, `aws`. */
  provider: "hf_secrets.provider",
  /** Where the provider looked, e.g. `env:HF_TOKEN` or `aws:prod/hf#HF_TOKEN@AWSCURRENT` (spans only). */
  location: "hf_secrets.location",
  /** The backend's version id or stage of the value, when it has one (spans only). */
  version: "hf_secrets.version",
  /** The attempt number of a backend call, 1 for the first. */
  attempt: "hf_secrets.attempt",
  /** True when no caller was waiting (refresh-ahead, background retry, watch). */
  background: "hf_secrets.background",
  /** Why a refresh started: `ahead`, `expired`, `forced`, `watch` or `retry`. */
  refreshReason: "hf_secrets.refresh.reason",
  /** A `SecretProviderError` code, e.g. `TRANSIENT`, `ACCESS_DENIED`. */
  errorCode: "hf_secrets.error.code",
  /** Whether the cache retries after this error. */
  willRetry: "hf_secrets.error.will_retry",
  /** True when a hit served a stale value (a refresh is failing). */
  stale: "hf_secrets.stale",
  /** Why a rotation was seen: `refresh`, `refresh-after-outage`, `pending`. */
  rotationReason: "hf_secrets.rotation.reason",
  /** Why a cached value was dropped: `expires-at`, `max-stale`, `refresh-failed`. */
  expiryReason: "hf_secrets.expiry.reason",
  /** The HTTP status with which Hugging Face rejected a token. */
  rejectionStatus: "hf_secrets.rejection.status",
  /** What the client did about a rejection: `refresh`, `pending`, `give-up`. */
  rejectionAction: "hf_secrets.rejection.action",
  /** A provider warning's code, e.g. `LOOSE_PERMISSIONS`. */
  warningCode: "hf_secrets.warning.code",
} as const;

/** Names of the metric instruments this bridge creates. */
export const METRICS = {
  /** Counter: calls answered from the cache (`hf_secrets.stale` tells stale serves apart). */
  hits: "hf_secrets.cache.hits",
  /** Counter: successful backend reads (`hf_secrets.background=false`: a caller waited — a miss or forced refresh). */
  fetches: "hf_secrets.fetches",
  /** Histogram (ms): backend latency of successful reads. */
  fetchDuration: "hf_secrets.fetch.duration",
  /** Counter: refreshes started, by `hf_secrets.refresh.reason`. */
  refreshes: "hf_secrets.refreshes",
  /** Counter: times the cache switched to serving the previous value because refreshes fail transiently. */
  staleServes: "hf_secrets.cache.stale",
  /** Counter: failed backend calls, by `hf_secrets.error.code`. */
  errors: "hf_secrets.errors",
  /** Counter: value changes seen (rotations or edits). */
  rotations: "hf_secrets.rotations",
  /** Counter: tokens Hugging Face rejected (401/403), by status and action. */
  rejections: "hf_secrets.rejections",
  /** Counter: cached values dropped (backend expiry, stale limit, failed refresh). */
  expirations: "hf_secrets.expirations",
  /** Counter: non-fatal provider findings (loose permissions, `.env` not git-ignored, ...). */
  warnings: "hf_secrets.warnings",
} as const;

/** Name of the span recorded for each backend call. */
export const FETCH_SPAN_NAME = "hf-secrets.fetch";
