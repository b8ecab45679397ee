import { cleanHfToken, SecretProviderError } from "@hf-secrets/core";
import {
  propertyRuns,
  prototypesIntact as prototypesUntouched,
  reliabilityRecorder,
} from "@hf-secrets/testing/properties";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64Strict, decodeUtf8Strict } from "../src/decode.js";
import { fromKubernetesSecret } from "../src/index.js";
import type { SecretObject } from "../src/options.js";
import { apiKeyProblem, volumeKeyProblem } from "../src/secret-keys.js";

// Hostile input for the Kubernetes provider: base64 `data` values, keys, and whole Secret objects as the API
// could return them. Properties: no prototype pollution, only documented errors, linear time on 1 MiB. Case
// counts are recorded for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set.

const numRuns = propertyRuns;
const { property, linear } = reliabilityRecorder("@hf-secrets/kubernetes", "kubernetes");
/** Names a hostile input could write through `__proto__`: none may show up on a fresh object. */
const PROBE_KEYS = ["HF_TOKEN"];
const prototypesIntact = () => prototypesUntouched(PROBE_KEYS);

const b64 = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString("base64")),
  fc.string({ unit: fc.constantFrom(..."ABCDEFabcdef0189+/=-_ \n\t.".split("")), maxLength: 24 }),
  fc.string({ maxLength: 24 }),
);
const dataKey = fc.oneof(
  fc.constantFrom(
    "HF_TOKEN",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    ".",
    "..",
    "a/b",
    "",
    "..data",
  ),
  fc.string({ maxLength: 10 }),
);
const DOCUMENTED = new Set(["NOT_FOUND", "MALFORMED_SECRET"]);

describe("kubernetes: hostile input", () => {
  it(`decodeBase64Strict: bytes only for padded standard base64, exactly as Go's StdEncoding decodes it (${numRuns} runs)`, () =>
    property(
      "decode-base64",
      "decodeBase64Strict(any string) → bytes only for padded standard-alphabet base64 (what the API server's Go StdEncoding accepts), the same bytes; whitespace, URL alphabet, bad length or padding → undefined",
      fc.property(b64, (text) => {
        const bytes = decodeBase64Strict(text);
        const wellFormed =
          text.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text);
        if (bytes === undefined) return !wellFormed;
        // Go's StdEncoding, like Node, ignores non-zero padding bits ("AAC=" → 00 00); the API server itself
        // always answers with the canonical form.
        return wellFormed && bytes.equals(Buffer.from(text, "base64"));
      }),
    ));

  it(`Secret keys: any key gets a problem or none, and ".."-style keys never pass (${numRuns} runs)`, () =>
    property(
      "keys",
      'apiKeyProblem/volumeKeyProblem(any key) → never throw; a volume key never escapes the mount (no "..", no absolute path, no NUL)',
      fc.property(
        fc.oneof(
          dataKey,
          fc.string({ maxLength: 30 }),
          fc.array(fc.constantFrom("a", "..", ".", "", "/", "\0"), { maxLength: 6 }).map((p) => p.join("/")),
        ),
        (key) => {
          apiKeyProblem(key);
          const problem = volumeKeyProblem(key);
          const escapes =
            key.startsWith("/") ||
            key.split("/").includes("..") ||
            key.includes("\0") ||
            key.startsWith("..");
          return !escapes || problem !== undefined;
        },
      ),
    ));

  it(`API mode: any Secret object the server could return → the decoded value or a documented error (${numRuns} runs)`, () =>
    property(
      "api-secret-object",
      "fromKubernetesSecret (API mode) on any Secret object (hostile data keys, any base64, any resourceVersion) → the strictly decoded value or NOT_FOUND/MALFORMED_SECRET; no prototype pollution",
      fc.asyncProperty(
        fc.dictionary(dataKey, b64, { maxKeys: 5 }),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 8 }), fc.constant(null)),
        fc.constantFrom("HF_TOKEN", "__proto__", "constructor", "OTHER"),
        async (data, resourceVersion, name) => {
          const secret = { metadata: { resourceVersion }, data } as unknown as SecretObject;
          const provider = fromKubernetesSecret({
            name: "hf",
            namespace: "ns",
            coreV1Api: { readNamespacedSecret: async () => secret },
          });
          try {
            const value = await provider.getSecret(name);
            const raw = decodeUtf8Strict(decodeBase64Strict(data[name]!)!)!;
            return (
              prototypesIntact() && value.value.reveal() === (name === "HF_TOKEN" ? cleanHfToken(raw) : raw)
            );
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || !DOCUMENTED.has(error.code)) throw error;
            return prototypesIntact();
          }
        },
      ),
    ));

  it("decode and key checks: linear time on 1 MiB", () => {
    linear(
      "base64-1mib-valid",
      "decodeBase64Strict on 1 MiB of valid base64",
      (s) => decodeBase64Strict(s),
      (n) => "QUJD".repeat(n / 4),
    );
    linear(
      "base64-1mib-bad-end",
      "decodeBase64Strict on 1 MiB of base64 with a bad last character",
      (s) => decodeBase64Strict(s),
      (n) => `${"QUJD".repeat(n / 4 - 1)}QUJ!`,
    );
    linear(
      "base64-1mib-bad-padding",
      "decodeBase64Strict on 1 MiB ending in bad padding",
      (s) => decodeBase64Strict(s),
      (n) => `${"QUJD".repeat(n / 4 - 1)}Q===`,
    );
    linear(
      "volume-key-1mib",
      "volumeKeyProblem on a 1 MiB key of path elements",
      (s) => volumeKeyProblem(s),
      (n) => "a/".repeat(n / 2),
    );
    linear(
      "api-key-1mib",
      "apiKeyProblem on a 1 MiB key",
      (s) => apiKeyProblem(s),
      (n) => "a".repeat(n),
    );
    expect(prototypesIntact()).toBe(true);
  }, 120_000);
});
