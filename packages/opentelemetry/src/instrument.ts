import type {
  ErrorEvent,
  ExpiredEvent,
  FetchEvent,
  HitEvent,
  RefreshEvent,
  RejectedEvent,
  RotatedEvent,
  SecretEventSource,
  StaleEvent,
  WarningEvent,
} from "@hf-secrets/core";
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  SpanKind,
  SpanStatusCode,
  Tracer,
  TracerProvider,
} from "@opentelemetry/api";
import { ATTRIBUTES as A, FETCH_SPAN_NAME, METRICS as M } from "./attributes.js";
import { loadOpenTelemetryApi, type OpenTelemetryApiModule } from "./load-api.js";

/** The instrumentation scope name of the tracer and meter. */
export const INSTRUMENTATION_NAME = "@hf-secrets/opentelemetry";
/** The instrumentation scope version (this package's version). */
export const INSTRUMENTATION_VERSION = "0.1.0";

// The enum values of @opentelemetry/api, so that injected providers need no runtime import of the API.
const SPAN_KIND_INTERNAL: SpanKind.INTERNAL = 0;
const STATUS_ERROR: SpanStatusCode.ERROR = 2;

/** Histogram buckets for backend latency, ms: from a local file read to a slow cross-region call. */
const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Where spans go. Default: the global tracer provider of `@opentelemetry/api` (loaded on first use). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider of `@opentelemetry/api` (loaded on first use). */
  readonly meterProvider?: MeterProvider;
  /** Record a `hf-secrets.fetch` span per backend call. Default `true`. */
  readonly spans?: boolean;
  /** Record the counters and the latency histogram. Default `true`. */
  readonly metrics?: boolean;
  /**
   * Count cache hits. Default `true`. A hit listener makes the cache build one small event object per hit;
   * `false` keeps the hit path allocation-free.
   */
  readonly hits?: boolean;
  /** Constant attributes added to every span and data point, e.g. `{ "service.component": "inference" }`. */
  readonly attributes?: Attributes;
  /**
   * Wall-clock time in epoch ms, for span end times; start = end − `durationMs`. Default `Date.now`. Tests
   * pass their fake clock's `now`.
   */
  readonly now?: () => number;
}

/** Stops the recording started by {@link instrument}. Idempotent. */
export type Unsubscribe = () => void;

interface Instruments {
  readonly hits: Counter;
  readonly fetches: Counter;
  readonly fetchDuration: Histogram;
  readonly refreshes: Counter;
  readonly staleServes: Counter;
  readonly errors: Counter;
  readonly rotations: Counter;
  readonly rejections: Counter;
  readonly expirations: Counter;
  readonly warnings: Counter;
}

/**
 * Turns the events of a `cached()` provider or an `HfSecrets` instance into OpenTelemetry spans and metrics:
 * counters for hits, fetches, refreshes (by reason), stale serves, errors (by code), rotations, rejections,
 * expirations and warnings; a histogram of backend latency; a `hf-secrets.fetch` span per backend call (error
 * status on failures). Attributes carry provenance only (provider, location, version id, attempt) — never a
 * value. Returns the function that stops recording.
 *
 * `@opentelemetry/api` is an optional peer: pass `tracerProvider` and `meterProvider` and it is never loaded;
 * otherwise it is loaded on this call, and a missing package throws a `SecretProviderError`
 * (`PROVIDER_NOT_INSTALLED`) that names it.
 *
 * @example
 * const provider = cached(fromEnv());
 * const stop = instrument(provider.events);
 */
export function instrument(source: SecretEventSource, options: InstrumentOptions = {}): Unsubscribe {
  const wantSpans = options.spans ?? true;
  const wantMetrics = options.metrics ?? true;
  let api: OpenTelemetryApiModule | undefined;
  const globalApi = () => {
    api ??= loadOpenTelemetryApi();
    return api;
  };
  const tracer: Tracer | undefined = wantSpans
    ? (options.tracerProvider ?? globalApi().trace.getTracerProvider()).getTracer(
        INSTRUMENTATION_NAME,
        INSTRUMENTATION_VERSION,
      )
    : undefined;
  const meter: Meter | undefined = wantMetrics
    ? (options.meterProvider ?? globalApi().metrics.getMeterProvider()).getMeter(
        INSTRUMENTATION_NAME,
        INSTRUMENTATION_VERSION,
      )
    : undefined;
  const instruments = meter ? createInstruments(meter) : undefined;
  const base = options.attributes ?? {};
  const now = options.now ?? Date.now;
  const withBase = (attributes: Attributes): Attributes => ({ ...base, ...attributes });

  const onFetch = (event: FetchEvent) => {
    const attributes = withBase({
      [A.secretName]: event.name,
      [A.provider]: event.provider,
      [A.background]: event.background,
    });
    instruments?.fetches.add(1, attributes);
    instruments?.fetchDuration.record(event.durationMs, attributes);
    if (tracer) {
      const end = now();
      const span = tracer.startSpan(FETCH_SPAN_NAME, {
        kind: SPAN_KIND_INTERNAL,
        startTime: end - event.durationMs,
        root: event.background,
        attributes: withBase({
          [A.secretName]: event.name,
          [A.provider]: event.provider,
          [A.location]: event.location,
          [A.attempt]: event.attempt,
          [A.background]: event.background,
          ...(event.version === undefined ? {} : { [A.version]: event.version }),
        }),
      });
      span.end(end);
    }
  };

  const onError = (event: ErrorEvent) => {
    const { error } = event;
    instruments?.errors.add(
      1,
      withBase({
        [A.secretName]: event.name,
        [A.provider]: error.provider,
        [A.errorCode]: error.code,
        [A.willRetry]: event.willRetry,
        [A.background]: event.background,
      }),
    );
    if (tracer) {
      const end = now();
      // Core's error events may carry the failed attempt's latency; without it the span marks the moment.
      const durationMs = (event as { durationMs?: unknown }).durationMs;
      const span = tracer.startSpan(FETCH_SPAN_NAME, {
        kind: SPAN_KIND_INTERNAL,
        startTime: typeof durationMs === "number" ? end - durationMs : end,
        root: event.background,
        attributes: withBase({
          [A.secretName]: event.name,
          [A.provider]: error.provider,
          [A.attempt]: event.attempt,
          [A.background]: event.background,
          [A.errorCode]: error.code,
          [A.willRetry]: event.willRetry,
          ...(error.location === undefined ? {} : { [A.location]: error.location }),
        }),
      });
      // SecretProviderError messages never hold a value; the stack and `cause` are left out all the same.
      span.recordException({ name: error.name, message: error.message, code: error.code }, end);
      span.setStatus({ code: STATUS_ERROR, message: `${error.code}: ${error.detail}` });
      span.end(end);
    }
  };

  const unsubscribers: Array<() => void> = [];
  const on = <T>(subscribe: (listener: (event: T) => void) => () => void, listener: (event: T) => void) => {
    unsubscribers.push(
      subscribe((event) => {
        try {
          listener(event);
        } catch {
          // Telemetry must never break secret resolution, whatever the event source does with a throw.
        }
      }),
    );
  };

  if (wantSpans || wantMetrics) {
    on<FetchEvent>((l) => source.on("fetch", l), onFetch);
    on<ErrorEvent>((l) => source.on("error", l), onError);
  }
  if (instruments) {
    const count = (counter: Counter, attributes: Attributes) => counter.add(1, withBase(attributes));
    if (options.hits ?? true) {
      on<HitEvent>(
        (l) => source.on("hit", l),
        (e) =>
          count(instruments.hits, { [A.secretName]: e.name, [A.provider]: e.provider, [A.stale]: e.stale }),
      );
    }
    on<RefreshEvent>(
      (l) => source.on("refresh", l),
      (e) => count(instruments.refreshes, { [A.secretName]: e.name, [A.refreshReason]: e.reason }),
    );
    on<StaleEvent>(
      (l) => source.on("stale", l),
      (e) =>
        count(instruments.staleServes, {
          [A.secretName]: e.name,
          [A.provider]: e.provider,
          [A.errorCode]: e.error.code,
        }),
    );
    on<RotatedEvent>(
      (l) => source.on("rotated", l),
      (e) =>
        count(instruments.rotations, {
          [A.secretName]: e.name,
          [A.provider]: e.provider,
          ...(e.reason === undefined ? {} : { [A.rotationReason]: e.reason }),
        }),
    );
    on<RejectedEvent>(
      (l) => source.on("rejected", l),
      (e) =>
        count(instruments.rejections, {
          [A.secretName]: e.name,
          [A.provider]: e.provider,
          [A.rejectionStatus]: e.status,
          [A.rejectionAction]: e.action,
        }),
    );
    on<ExpiredEvent>(
      (l) => source.on("expired", l),
      (e) =>
        count(instruments.expirations, {
          [A.secretName]: e.name,
          [A.provider]: e.provider,
          [A.expiryReason]: e.reason,
        }),
    );
    on<WarningEvent>(
      (l) => source.on("warning", l),
      (e) =>
        count(instruments.warnings, {
          [A.secretName]: e.name,
          [A.provider]: e.provider,
          [A.warningCode]: e.warning.code,
        }),
    );
  }

  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

function createInstruments(meter: Meter): Instruments {
  return {
    hits: meter.createCounter(M.hits, { description: "Calls answered from the cache.", unit: "{hit}" }),
    fetches: meter.createCounter(M.fetches, {
      description: "Successful backend reads (background=false: a caller waited).",
      unit: "{fetch}",
    }),
    fetchDuration: meter.createHistogram(M.fetchDuration, {
      description: "Backend latency of successful reads.",
      unit: "ms",
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS },
    }),
    refreshes: meter.createCounter(M.refreshes, { description: "Refreshes started.", unit: "{refresh}" }),
    staleServes: meter.createCounter(M.staleServes, {
      description: "Times the cache started serving the previous value because refreshes fail.",
      unit: "{event}",
    }),
    errors: meter.createCounter(M.errors, { description: "Failed backend calls.", unit: "{error}" }),
    rotations: meter.createCounter(M.rotations, { description: "Value changes seen.", unit: "{rotation}" }),
    rejections: meter.createCounter(M.rejections, {
      description: "Tokens Hugging Face rejected.",
      unit: "{rejection}",
    }),
    expirations: meter.createCounter(M.expirations, {
      description: "Cached values dropped.",
      unit: "{expiration}",
    }),
    warnings: meter.createCounter(M.warnings, { description: "Provider warnings.", unit: "{warning}" }),
  };
}
