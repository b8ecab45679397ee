import type { SecretWarning } from "./contract.js";
import type { SecretProviderError } from "./errors.js";

/** Why a refresh started. */
export type RefreshReason = "ahead" | "expired" | "forced" | "watch" | "retry";

/** A backend call answered. */
export interface FetchEvent {
  readonly type: "fetch";
  readonly name: string;
  readonly provider: string;
  readonly location: string;
  readonly version?: string | undefined;
  /** Backend latency of the successful attempt, ms. */
  readonly durationMs: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** True when no caller was waiting (refresh-ahead, background retry, watch). */
  readonly background: boolean;
}

/** A call was answered from the cache. Emitted only while someone listens for `hit`. */
export interface HitEvent {
  readonly type: "hit";
  readonly name: string;
  readonly provider: string;
  readonly stale: boolean;
}

/** A refresh started. */
export interface RefreshEvent {
  readonly type: "refresh";
  readonly name: string;
  readonly reason: RefreshReason;
}

/** The cache is serving the previous value because refreshes fail with transient errors. */
export interface StaleEvent {
  readonly type: "stale";
  readonly name: string;
  readonly provider: string;
  readonly location: string;
  readonly error: SecretProviderError;
  /** The last moment (epoch ms) the stale value may be served. */
  readonly staleUntil: number;
}

/** A backend call failed. */
export interface ErrorEvent {
  readonly type: "error";
  readonly name: string;
  readonly error: SecretProviderError;
  readonly attempt: number;
  /** Whether another attempt follows, and when. */
  readonly willRetry: boolean;
  readonly retryInMs?: number | undefined;
  readonly background: boolean;
  /** How long the failed attempt took, ms. */
  readonly durationMs?: number | undefined;
}

/** The value changed (a rotation or an edit). The values are never part of the event. */
export interface RotatedEvent {
  readonly type: "rotated";
  readonly name: string;
  readonly provider: string;
  readonly location: string;
  readonly previousVersion?: string | undefined;
  readonly version?: string | undefined;
  /** What caused it, e.g. `"refresh"`, or `"pending"` when the HF client adopted an AWSPENDING value. */
  readonly reason?: string | undefined;
}

/** The cached value was dropped: its backend expiry or the stale limit passed, or a refresh said it is gone. */
export interface ExpiredEvent {
  readonly type: "expired";
  readonly name: string;
  readonly provider: string;
  readonly location: string;
  readonly reason: "expires-at" | "max-stale" | "refresh-failed";
}

/** A provider reported a non-fatal finding (loose permissions, `.env` not git-ignored, ...). */
export interface WarningEvent {
  readonly type: "warning";
  readonly name: string;
  readonly provider: string;
  readonly warning: SecretWarning;
}

/** Hugging Face rejected a token; the client forced a refresh (or tried a pending version). */
export interface RejectedEvent {
  readonly type: "rejected";
  readonly name: string;
  readonly provider: string;
  readonly location: string;
  readonly status: number;
  /** What the client does next. */
  readonly action: "refresh" | "pending" | "give-up";
}

/** Every event hf-secrets emits. Listeners receive provenance, never a value. */
export type SecretEvent =
  | FetchEvent
  | HitEvent
  | RefreshEvent
  | StaleEvent
  | ErrorEvent
  | RotatedEvent
  | ExpiredEvent
  | WarningEvent
  | RejectedEvent;

/** The `type` of a {@link SecretEvent}. */
export type SecretEventType = SecretEvent["type"];

/** A listener for one event type (or `"*"` for all). */
export type SecretEventListener<T extends SecretEvent = SecretEvent> = (event: T) => void;

/** Something that emits {@link SecretEvent}s. */
export interface SecretEventSource {
  /** Subscribes to one event type, or `"*"` for every event; returns the unsubscribe function. */
  on<K extends SecretEventType | "*">(
    type: K,
    listener: SecretEventListener<
      K extends SecretEventType ? Extract<SecretEvent, { type: K }> : SecretEvent
    >,
  ): () => void;
}
