import type { SecretProviderError } from "@hf-secrets/core";
import { errorText, expectNoSecret } from "@hf-secrets/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lookupJsonField, parseKey } from "../src/json-field.js";
import { extractSecretValue, type PayloadContext } from "../src/secret-payload.js";

const numRuns = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

function payloadContext(key: string | undefined, name = "APP_SECRET"): PayloadContext {
  return {
    provider: "aws",
    name,
    secretId: "prod/app",
    key,
    binaryEncoding: "base64",
    location: (k) => `aws:prod/app${k === undefined ? "" : `#${k}`}@AWSCURRENT`,
  };
}

describe("parseKey (RFC 6901 JSON Pointer, or one literal field)", () => {
  it("splits pointers and unescapes ~1 then ~0", () => {
    expect(parseKey("/hf/token")).toEqual(["hf", "token"]);
    expect(parseKey("/a~1b/m~0n/~01")).toEqual(["a/b", "m~n", "~1"]);
    expect(parseKey("/")).toEqual([""]);
    expect(parseKey("HF_TOKEN")).toEqual(["HF_TOKEN"]);
    expect(parseKey("a/b")).toEqual(["a/b"]);
  });

  it("rejects ~ followed by anything but 0 or 1", () => {
    expect(parseKey("/a~2")).toBeUndefined();
    expect(parseKey("/a~")).toBeUndefined();
  });

  it("finds every string leaf of any JSON document through its escaped pointer (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 8 }),
          fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 4 }),
          { maxKeys: 4 },
        ),
        (doc) => {
          for (const [outer, inner] of Object.entries(doc)) {
            for (const [field, value] of Object.entries(inner)) {
              const escapeSegment = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
              const lookup = lookupJsonField(
                JSON.parse(JSON.stringify(doc)),
                parseKey(`/${escapeSegment(outer)}/${escapeSegment(field)}`)!,
              );
              expect(lookup).toEqual({ found: true, value });
            }
          }
        },
      ),
      { numRuns },
    );
  });

  it("reads own fields only: __proto__ and constructor are data, not the prototype", () => {
    const document = JSON.parse('{"__proto__": {"x": "from-json"}}') as unknown;
    expect(lookupJsonField(document, ["__proto__", "x"])).toEqual({ found: true, value: "from-json" });
    expect(lookupJsonField({}, ["constructor"])).toMatchObject({ found: false, reason: "missing" });
    expect(lookupJsonField({}, ["toString"])).toMatchObject({ found: false });
  });

  it("indexes arrays the RFC 6901 way (no leading zeros, no '-')", () => {
    expect(lookupJsonField(["a", "b"], ["1"])).toEqual({ found: true, value: "b" });
    expect(lookupJsonField(["a", "b"], ["01"])).toMatchObject({ found: false, available: ["0..1"] });
    expect(lookupJsonField(["a", "b"], ["-"])).toMatchObject({ found: false });
    expect(lookupJsonField(["a", "b"], ["2"])).toMatchObject({ found: false });
  });
});

describe("extractSecretValue never puts a value in an error (property)", () => {
  it("a missing key lists keys, never any of the values", () => {
    // Token-shaped values: they cannot coincide with the fixed wording of a message.
    const values = fc.stringMatching(/^[A-Za-z0-9]{20,40}$/);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), values, { minKeys: 1, maxKeys: 6 }),
        fc.string({ minLength: 1 }),
        (object, key) => {
          fc.pre(!Object.hasOwn(object, key) && !key.startsWith("/"));
          let error: SecretProviderError | undefined;
          try {
            extractSecretValue({ SecretString: JSON.stringify(object) }, payloadContext(key));
          } catch (thrown) {
            error = thrown as SecretProviderError;
          }
          expect(error?.code).toBe("MALFORMED_SECRET");
          const text = errorText(error);
          for (const value of Object.values(object)) expectNoSecret(text, value, "the missing-key error");
        },
      ),
      { numRuns },
    );
  });
});
