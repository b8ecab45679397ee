import {
  cleanHfToken,
  HF_TOKEN,
  hfTokenKind,
  maskSecret,
  SecretProviderError,
  type SecretWarning,
} from "@hf-secrets/core";
import { describeJsonType, lookupJsonField, parseKey } from "./json-field.js";

/** How a `SecretBinary` becomes text: base64 (lossless, the default) or UTF-8 (refused when not valid UTF-8). */
export type BinaryEncoding = "base64" | "utf8";

/** The value fields of a `GetSecretValue` answer. */
export interface SecretPayload {
  readonly SecretString?: string | undefined;
  readonly SecretBinary?: Uint8Array | undefined;
}

/** What {@link extractSecretValue} needs to know besides the payload. */
export interface PayloadContext {
  /** Provider name for errors. */
  readonly provider: string;
  /** The logical name asked for (`HF_TOKEN`, ...). */
  readonly name: string;
  /** The secret id, for messages. */
  readonly secretId: string;
  /** The configured `key` (a field name or a JSON Pointer), when there is one. */
  readonly key: string | undefined;
  readonly binaryEncoding: BinaryEncoding;
  /** The location for a given key (or none), for errors and the value. */
  location(key: string | undefined): string;
}

/** The usable value of a secret version and the key it was read from. */
export interface ExtractedValue {
  readonly value: string;
  /** The JSON key used (configured, or the logical name found in a JSON object), else `undefined`. */
  readonly key: string | undefined;
  readonly warnings: readonly SecretWarning[];
}

const MAX_LISTED_KEYS = 20;
const MAX_KEY_LENGTH = 64;

/**
 * Turns a secret version's `SecretString` / `SecretBinary` into the value for `name`:
 *
 * - with `key`: the version must be a JSON document and the field must exist and hold a string (numbers and
 *   booleans are converted); otherwise `MALFORMED_SECRET` names the key and the keys that do exist;
 * - without `key`: a JSON object holding a field named like the logical name gives that field (one JSON secret
 *   can hold several app secrets); anything else is returned whole;
 * - `SecretBinary` is base64 text, or UTF-8 text with `binaryEncoding: "utf8"` (then JSON keys work too).
 *
 * The HF token is cleaned like huggingface_hub does (CR/LF removed, whitespace stripped). No error quotes the
 * content: `JSON.parse` messages (which do) are never used.
 */
export function extractSecretValue(payload: SecretPayload, context: PayloadContext): ExtractedValue {
  const text = payloadText(payload, context);
  let extracted: ExtractedValue;
  if (context.key !== undefined) {
    extracted = { value: readKey(text, context.key, context), key: context.key, warnings: [] };
  } else {
    extracted = readWithoutKey(text, context);
  }
  const value = context.name === HF_TOKEN ? (cleanHfToken(extracted.value) ?? "") : extracted.value;
  if (value.length === 0) {
    throw malformed(
      context,
      extracted.key,
      `${where(context, extracted.key)} is empty${context.name === HF_TOKEN ? " (or holds only whitespace)" : ""}.`,
      `Store the value in the secret: \`aws secretsmanager put-secret-value --secret-id ${context.secretId} --secret-string file://value.txt\`.`,
    );
  }
  return { ...extracted, value };
}

function payloadText(payload: SecretPayload, context: PayloadContext): string {
  if (typeof payload.SecretString === "string") return payload.SecretString;
  const binary = payload.SecretBinary;
  if (binary instanceof Uint8Array) {
    if (context.binaryEncoding === "utf8") {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(binary);
      } catch {
        throw malformed(
          context,
          undefined,
          `Secret "${context.secretId}" holds SecretBinary that is not valid UTF-8 (${binary.length} bytes), and binaryEncoding "utf8" was asked for.`,
          'Use binaryEncoding "base64" to receive the bytes as base64 text, or store the value as SecretString.',
        );
      }
    }
    if (context.key !== undefined) {
      throw malformed(
        context,
        context.key,
        `Secret "${context.secretId}" holds SecretBinary, so the JSON key "${context.key}" cannot be read from it with binaryEncoding "base64".`,
        'Set binaryEncoding: "utf8" if the bytes are UTF-8 JSON, or store the JSON as SecretString.',
      );
    }
    return Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString("base64");
  }
  throw malformed(
    context,
    context.key,
    `Secret "${context.secretId}" has neither SecretString nor SecretBinary in this version.`,
    "Store a value in the secret (PutSecretValue), or select another version.",
  );
}

function readKey(text: string, key: string, context: PayloadContext): string {
  const document = parseJson(text);
  if (document === undefined) {
    throw malformed(
      context,
      key,
      `Secret "${context.secretId}" is not valid JSON, so the key "${key}" cannot be read from it.`,
      `Store a JSON object such as {"${lastSegment(key)}": "<value>"} in the secret, or remove "key" to use the whole value.`,
    );
  }
  if (typeof document.value !== "object" || document.value === null) {
    throw malformed(
      context,
      key,
      `Secret "${context.secretId}" is JSON ${describeJsonType(document.value)}, not an object, so the key "${key}" cannot be read from it.`,
      `Store a JSON object such as {"${lastSegment(key)}": "<value>"}, or remove "key" to use the whole value.`,
    );
  }
  const segments = parseKey(key) ?? [key];
  const lookup = lookupJsonField(document.value, segments);
  if (!lookup.found) {
    const at = lookup.existingPath === "" ? "" : ` at "${lookup.existingPath}"`;
    const detail =
      lookup.reason === "not-a-container"
        ? `the value${at} is not an object or array`
        : `it has ${listKeys(lookup.available)}${at}`;
    throw malformed(
      context,
      key,
      `Secret "${context.secretId}" has no JSON key "${key}": ${detail}.`,
      'Set "key" to one of the existing keys, or add the key to the secret.',
    );
  }
  return fieldText(lookup.value, key, context);
}

function readWithoutKey(text: string, context: PayloadContext): ExtractedValue {
  if (!text.trimStart().startsWith("{")) return { value: text, key: undefined, warnings: [] };
  const document = parseJson(text);
  if (
    document === undefined ||
    typeof document.value !== "object" ||
    document.value === null ||
    Array.isArray(document.value)
  ) {
    return { value: text, key: undefined, warnings: [] };
  }
  const object = document.value as Record<string, unknown>;
  if (Object.hasOwn(object, context.name)) {
    return { value: fieldText(object[context.name], context.name, context), key: context.name, warnings: [] };
  }
  return {
    value: text,
    key: undefined,
    warnings: [
      {
        code: "WHOLE_JSON_RETURNED",
        location: context.location(undefined),
        message: `Secret "${context.secretId}" is a JSON object without a "${context.name}" key (it has ${listKeys(Object.keys(object))}), so the whole JSON text was returned as "${context.name}". Set "key" to read one field.`,
      },
    ],
  };
}

function fieldText(value: unknown, key: string, context: PayloadContext): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw malformed(
    context,
    key,
    `The JSON key "${key}" of secret "${context.secretId}" holds ${describeJsonType(value)}, not a string.`,
    'Point "key" at a string field (a JSON Pointer such as /hf/token reaches nested fields).',
  );
}

// JSON.parse's own messages quote the input (the secret), so only the fact of failure is kept.
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Names keys for a message, never values: capped, truncated, and masked when a key itself looks like a token. */
export function listKeys(keys: readonly string[]): string {
  if (keys.length === 0) return "no keys";
  const shown = keys.slice(0, MAX_LISTED_KEYS).map((key) => {
    if (key.length >= 16 && hfTokenKind(key) !== "unknown") return `"${maskSecret(key)}"`;
    return JSON.stringify(key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key);
  });
  const more = keys.length > MAX_LISTED_KEYS ? ` and ${keys.length - MAX_LISTED_KEYS} more` : "";
  return `the key${keys.length === 1 ? "" : "s"} ${shown.join(", ")}${more}`;
}

function lastSegment(key: string): string {
  const segments = parseKey(key) ?? [key];
  return segments[segments.length - 1] ?? key;
}

function where(context: PayloadContext, key: string | undefined): string {
  return key === undefined
    ? `Secret "${context.secretId}"`
    : `The JSON key "${key}" of secret "${context.secretId}"`;
}

function malformed(
  context: PayloadContext,
  key: string | undefined,
  message: string,
  fix: string,
): SecretProviderError {
  return new SecretProviderError({
    code: "MALFORMED_SECRET",
    provider: context.provider,
    secretName: context.name,
    location: context.location(key),
    message,
    fix,
  });
}
