/** The outcome of looking up a field in a parsed JSON secret. */
export type JsonFieldLookup =
  | { readonly found: true; readonly value: unknown }
  | {
      readonly found: false;
      /** The part of the path that exists (`""` for the top level). */
      readonly existingPath: string;
      /** The keys (or array indexes) available where the lookup stopped; never values. */
      readonly available: readonly string[];
      /** Why the lookup stopped: a missing key, or a step into something that is not an object or array. */
      readonly reason: "missing" | "not-a-container";
    };

/**
 * Parses a `key` option into path segments: a string starting with `/` is an RFC 6901 JSON Pointer
 * (`/hf/token`, with `~1` for `/` and `~0` for `~`); anything else names one top-level field, verbatim (so a
 * field called `a.b` or `a/b` needs no escaping). Returns `undefined` for a malformed pointer (`~` followed by
 * something other than `0` or `1`).
 */
export function parseKey(key: string): string[] | undefined {
  if (!key.startsWith("/")) return [key];
  const segments: string[] = [];
  for (const raw of key.slice(1).split("/")) {
    if (/~[^01]|~$/.test(raw)) return undefined;
    // Order matters (RFC 6901 §4): `~01` is the field `~1`, not `/`.
    segments.push(raw.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  return segments;
}

/**
 * Follows `segments` through a parsed JSON document, reading own properties only (a field named `__proto__`
 * or `constructor` is data, never the prototype). Array steps accept RFC 6901 indexes (`0`, `12`; no leading
 * zeros, no `-`).
 */
export function lookupJsonField(document: unknown, segments: readonly string[]): JsonFieldLookup {
  let node = document;
  const walked: string[] = [];
  for (const segment of segments) {
    const existingPath = walked.length === 0 ? "" : `/${walked.map(escapeSegment).join("/")}`;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d{0,8})$/.test(segment) || Number(segment) >= node.length) {
        return {
          found: false,
          existingPath,
          available: node.length === 0 ? [] : [`0..${node.length - 1}`],
          reason: "missing",
        };
      }
      node = node[Number(segment)];
    } else if (typeof node === "object" && node !== null) {
      if (!Object.hasOwn(node, segment)) {
        return { found: false, existingPath, available: Object.keys(node), reason: "missing" };
      }
      node = (node as Record<string, unknown>)[segment];
    } else {
      return { found: false, existingPath, available: [], reason: "not-a-container" };
    }
    walked.push(segment);
  }
  return { found: true, value: node };
}

/** Describes a JSON value's type for messages (`an object`, `a number`, ...), never its content. */
export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function escapeSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
