/** Parameters of an exponential backoff. */
export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a delay drawn uniformly from `[0, min(maxDelayMs, baseDelayMs · 2^retry)]`.
 * Spreads a fleet's retries instead of synchronising them. `random` returns `[0, 1)`; with `jitter: false` the
 * delay is the upper bound itself.
 *
 * @param retry - 0 for the first retry.
 */
export function fullJitterDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
  jitter = true,
): number {
  const exponential = options.baseDelayMs * 2 ** Math.min(retry, 52);
  const ceiling = Math.min(options.maxDelayMs, exponential);
  return jitter ? Math.floor(random() * ceiling) : ceiling;
}

/**
 * "Equal jitter" exponential backoff: a delay drawn uniformly from `[c/2, c]` where
 * `c = min(maxDelayMs, baseDelayMs · 2^retry)`. Still spreads a fleet, but no single client can draw several
 * near-zero delays in a row — which bounds how often any one instance calls a backend during an outage.
 */
export function equalJitterDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
  jitter = true,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(retry, 52));
  return jitter ? Math.floor(ceiling / 2 + random() * (ceiling / 2)) : ceiling;
}

const MAX_RETRY_AFTER_HEADER_LENGTH = 64;
const DELTA_SECONDS = /^\s*(\d{1,10})\s*$/;
// IMF-fixdate, RFC 850 and asctime() all have a weekday, a month abbreviation and hh:mm:ss.
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6},? [\d A-Za-z-]{6,14} \d{2}:\d{2}:\d{2}( \d{4})?( GMT)?$/;

/**
 * Parses an HTTP `Retry-After` header — delta-seconds (`"120"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`) — into milliseconds from `nowMs`. Returns `undefined` for a missing or
 * malformed header and `0` for a date in the past. Bounded work on any input.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (typeof header !== "string" || header.length === 0 || header.length > MAX_RETRY_AFTER_HEADER_LENGTH) {
    return undefined;
  }
  const seconds = DELTA_SECONDS.exec(header);
  if (seconds) return Number(seconds[1]) * 1000;
  if (!HTTP_DATE.test(header)) return undefined;
  // HTTP dates are always GMT; asctime() carries no zone, and Date.parse would read it as local time.
  const date = Date.parse(/GMT$/.test(header) ? header : `${header} GMT`);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
