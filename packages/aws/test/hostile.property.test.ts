import { cleanHfToken, SecretProviderError } from "@hf-secrets/core";
import { errorText, makeTestToken, secretForms } from "@hf-secrets/testing";
import {
  propertyRuns,
  prototypesIntact as prototypesUntouched,
  reliabilityRecorder,
} from "@hf-secrets/testing/properties";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapAwsError } from "../src/aws-error.js";
import { checkAwsOptions } from "../src/from-aws-secrets-manager.js";
import { parseKey } from "../src/json-field.js";
import { extractSecretValue, type PayloadContext } from "../src/secret-payload.js";

// Hostile input for the AWS provider's parsers and mappers: JSON secrets and key paths (JSON Pointers), binary
// payloads, options, and whatever the SDK throws. Properties: no prototype pollution, only documented errors,
// linear time on 1 MiB. Case counts are recorded for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set.

const numRuns = propertyRuns;
const { property, linear } = reliabilityRecorder("@hf-secrets/aws", "aws");
/** Names a hostile input could write through `__proto__`: none may show up on a fresh object. */
const PROBE_KEYS = ["HF_TOKEN"];
const prototypesIntact = () => prototypesUntouched(PROBE_KEYS);

function context(
  key: string | undefined,
  name: string,
  binaryEncoding: "base64" | "utf8" = "base64",
): PayloadContext {
  return {
    provider: "aws",
    name,
    secretId: "prod/app",
    key,
    binaryEncoding,
    location: (k) => `aws:prod/app${k === undefined ? "" : `#${k}`}@AWSCURRENT`,
  };
}

const segment = fc.oneof(
  fc.constantFrom(
    "HF_TOKEN",
    "hf",
    "token",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "0",
    "1",
    "01",
    "-",
    "",
    "~",
    "~0",
    "~1",
    "a/b",
    "a~b",
  ),
  fc.string({ maxLength: 6 }),
);
const escapePointer = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
const keyOption = fc.oneof(
  fc.constant(undefined),
  segment,
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.map(escapePointer).join("/")}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
  fc.string({ maxLength: 12 }),
);
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, 1.5, "", " \n", "tok"),
    fc.string({ maxLength: 12 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(segment, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const secretString = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  jsonValue.map((v) => JSON.stringify(v).replace(/"(constructor|prototype)"/g, '"__proto__"')),
  fc.string({ maxLength: 40 }),
  fc.tuple(jsonValue, fc.nat(30)).map(([v, cut]) => JSON.stringify(v).slice(0, cut)),
);

/** The value an own-property walk finds at `segments`, or undefined (the oracle for lookups). */
function ownWalk(document: unknown, segments: readonly string[]): unknown {
  let node = document;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= node.length) return undefined;
      node = node[Number(segment)];
    } else if (typeof node === "object" && node !== null && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return node;
}

describe("aws: hostile input", () => {
  it(`extractSecretValue: any SecretString with any key → the own-property value or MALFORMED_SECRET (${numRuns} runs)`, () =>
    property(
      "extract-secret-string",
      "extractSecretValue(any SecretString, any key or JSON Pointer) → the value an own-property walk finds, or MALFORMED_SECRET; no prototype pollution",
      fc.property(
        secretString,
        keyOption,
        fc.constantFrom("HF_TOKEN", "APP", "__proto__"),
        (text, key, name) => {
          let result: ReturnType<typeof extractSecretValue> | undefined;
          try {
            result = extractSecretValue({ SecretString: text }, context(key, name));
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || error.code !== "MALFORMED_SECRET") throw error;
          }
          if (!prototypesIntact()) return false;
          if (result === undefined || key === undefined) return true;
          const expected = ownWalk(JSON.parse(text), parseKey(key) ?? [key]);
          const raw = typeof expected === "string" ? expected : String(expected);
          return result.value === (name === "HF_TOKEN" ? cleanHfToken(raw) : raw);
        },
      ),
    ));

  it(`extractSecretValue: any SecretBinary, base64 or UTF-8 → text or MALFORMED_SECRET (${numRuns} runs)`, () =>
    property(
      "extract-secret-binary",
      "extractSecretValue(any SecretBinary bytes, base64 or utf8, any key) → text or MALFORMED_SECRET",
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        keyOption,
        fc.constantFrom("base64", "utf8") as fc.Arbitrary<"base64" | "utf8">,
        (bytes, key, encoding) => {
          try {
            const { value } = extractSecretValue({ SecretBinary: bytes }, context(key, "APP", encoding));
            return (
              key !== undefined || encoding === "utf8" || value === Buffer.from(bytes).toString("base64")
            );
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || error.code !== "MALFORMED_SECRET") throw error;
            return prototypesIntact();
          }
        },
      ),
    ));

  it(`parseKey: escaped segments round-trip; anything else parses or is refused, never throws (${numRuns} runs)`, () =>
    property(
      "parse-key",
      "parseKey(any string) → segments or undefined; escaped JSON Pointers round-trip",
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.string({ maxLength: 30 }),
        (parts, any) => {
          const parsed = parseKey(`/${parts.map(escapePointer).join("/")}`);
          const other = parseKey(any);
          return (
            JSON.stringify(parsed) === JSON.stringify(parts) && (other === undefined || Array.isArray(other))
          );
        },
      ),
    ));

  it(`checkAwsOptions: any option values → a named problem or none, never a throw (${numRuns} runs)`, () =>
    property(
      "check-options",
      "checkAwsOptions(hostile option objects) → { option, problem } or undefined; never throws",
      fc.property(
        fc.record(
          {
            secretId: fc.oneof(fc.string({ maxLength: 10 }), jsonValue),
            key: fc.oneof(keyOption, jsonValue),
            versionStage: fc.oneof(fc.string({ maxLength: 6 }), jsonValue),
            versionId: fc.oneof(fc.string({ maxLength: 6 }), jsonValue),
            region: fc.oneof(fc.string({ maxLength: 6 }), jsonValue),
            endpoint: fc.oneof(fc.webUrl(), fc.string({ maxLength: 12 }), jsonValue),
            binaryEncoding: fc.oneof(fc.constantFrom("base64", "utf8", "hex"), jsonValue),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          const problem = checkAwsOptions(options as never);
          return (
            problem === undefined ||
            (typeof problem.option === "string" && typeof problem.problem === "string")
          );
        },
      ),
    ));

  it(`mapAwsError: anything an SDK throws → a SecretProviderError without the response body (${numRuns} runs)`, () => {
    const canary = makeTestToken();
    property(
      "map-aws-error",
      "mapAwsError(any thrown value: names, codes, statuses, Retry-After headers, a $response whose body holds a token) → a SecretProviderError; the body never reaches it",
      fc.property(
        fc.record(
          {
            name: fc.oneof(
              fc.constantFrom(
                "ThrottlingException",
                "ResourceNotFoundException",
                "AccessDeniedException",
                "InvalidRequestException",
                "TimeoutError",
                "AbortError",
                "Error",
                "__proto__",
              ),
              fc.string({ maxLength: 10 }),
            ),
            code: fc.oneof(
              fc.constantFrom("ECONNRESET", "ETIMEDOUT", "EPIPE"),
              fc.string({ maxLength: 6 }),
              jsonValue,
            ),
            message: fc.string({ maxLength: 40 }),
            $metadata: fc.record(
              { httpStatusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), jsonValue) },
              { requiredKeys: [] },
            ),
            $response: fc.record({
              headers: fc.dictionary(
                fc.constantFrom("retry-after", "Retry-After", "x"),
                fc.oneof(fc.string({ maxLength: 30 }), fc.nat().map(String)),
              ),
              body: fc.constant(`{"SecretString":"${canary}"}`),
            }),
          },
          { requiredKeys: ["$response"] },
        ),
        (raw) => {
          const error = mapAwsError(raw, {
            provider: "aws",
            name: "HF_TOKEN",
            secretId: "prod/hf",
            version: "AWSCURRENT",
            region: "us-east-1",
            endpoint: undefined,
            location: "aws:prod/hf@AWSCURRENT (us-east-1)",
          });
          const text = errorText(error);
          return (
            SecretProviderError.isInstance(error) &&
            !secretForms(canary).some((form) => text.includes(form)) &&
            (error.retryAfterMs === undefined ||
              (Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0))
          );
        },
      ),
    );
  });

  it("extractSecretValue and parseKey: linear time on 1 MiB", () => {
    const run = (key: string | undefined) => (text: string) => {
      try {
        extractSecretValue({ SecretString: text }, context(key, "APP"));
      } catch {
        // MALFORMED_SECRET is expected for some shapes
      }
    };
    linear(
      "extract-1mib-many-keys",
      "a 1 MiB JSON object of many keys, key missing",
      run("missing"),
      (n) => `{${Array.from({ length: Math.floor(n / 12) }, (_, i) => `"k${i}":"v"`).join(",")}}`,
    );
    linear(
      "extract-1mib-deep",
      "1 MiB of nested JSON objects, read through a deep pointer",
      run(`/${Array(64).fill("a").join("/")}`),
      (n) => `${'{"a":'.repeat(Math.floor(n / 10))}1${"}".repeat(Math.floor(n / 10))}`,
    );
    linear(
      "extract-1mib-invalid",
      "1 MiB of invalid JSON with a key",
      run("HF_TOKEN"),
      (n) => `{"HF_TOKEN":"${"x".repeat(n)}`,
    );
    linear(
      "extract-1mib-plain",
      "a 1 MiB plain SecretString as HF_TOKEN (cleaned)",
      (text) => extractSecretValue({ SecretString: text }, context(undefined, "HF_TOKEN")),
      (n) => ` ${"a\r\n".repeat(n / 3)} `,
    );
    linear(
      "parse-key-1mib",
      "parseKey on a 1 MiB JSON Pointer of escapes",
      (key) => parseKey(key),
      (n) => `/${"~0~1/".repeat(n / 5)}`,
    );
    expect(prototypesIntact()).toBe(true);
  }, 120_000);
});
