import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SecretProviderError } from "@hf-secrets/core";
import { expectLinearTime } from "@hf-secrets/testing";
import { parse } from "dotenv";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDotenv } from "../src/index.js";
import { findKeyLines } from "../src/key-lines.js";
import { parseEnvText } from "../src/read-env-file.js";
import { makeTempDir, writeEnv } from "./fixtures.js";

const numRuns = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

const piece = fc.constantFrom(
  "HF_TOKEN",
  "HUGGING_FACE_HUB_TOKEN",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "A",
  "export ",
  "=",
  ":",
  ": ",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "#",
  "'",
  '"',
  "`",
  "\\",
  "\\n",
  "$",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} in generated .env text
  "${A}",
  "$(id)",
  "encrypted:",
  "QUJD",
  "hf_x",
  "\ufeff",
  "\u2028",
  "\u00a0",
  "x",
  ".",
  "-",
);
const envText = fc.oneof(
  fc.array(piece, { maxLength: 50 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 120 }),
);

/** What fromDotenv may throw for arbitrary file contents (README: "Failure modes"). */
const DOCUMENTED = new Set(["NOT_FOUND", "MALFORMED_SECRET", "INVALID_CONFIGURATION"]);

describe("dotenv provider: properties", () => {
  let dir = "";
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    await writeEnv(join(dir, ".env"), "");
  });
  afterAll(() => remove());

  it(`reads any file content without polluting prototypes or throwing undocumented errors (${numRuns} runs)`, async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).join(",");
    const provider = fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false });
    await fc.assert(
      fc.asyncProperty(
        envText,
        fc.constantFrom("HF_TOKEN", "A", "__proto__", "constructor", "toString"),
        async (text, name) => {
          await writeFile(join(dir, ".env"), text);
          try {
            const value = await provider.getSecret(name);
            expect(typeof value.value.reveal()).toBe("string");
            expect(value.location).toBe(`${join(dir, ".env")}#${value.location.split("#")[1]}`);
            if (name === "HF_TOKEN") expect(value.value.reveal()).toBe(value.value.reveal().trim());
          } catch (error) {
            expect(SecretProviderError.isInstance(error)).toBe(true);
            expect(DOCUMENTED.has((error as SecretProviderError).code)).toBe(true);
          }
          expect(({} as Record<string, unknown>).A).toBeUndefined();
          expect(({} as Record<string, unknown>).HF_TOKEN).toBeUndefined();
        },
      ),
      { numRuns },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).join(",")).toBe(before);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  }, 120_000);

  it(`reads exactly what dotenv's classic parser reads (${numRuns} runs)`, () => {
    fc.assert(
      fc.property(envText, (text) => {
        expect(Object.fromEntries(parseEnvText(text))).toEqual({ ...parse(text) });
      }),
      { numRuns },
    );
  });

  it(`points at a line for every key dotenv reads from a single-line assignment (${numRuns} runs)`, () => {
    const key = fc.constantFrom("A", "HF_TOKEN", "B.c-d");
    const value = fc.string({ maxLength: 20 }).filter((v) => !/[\r\n"'`\\#]/.test(v));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value, fc.boolean()), { minLength: 1, maxLength: 6 }), (entries) => {
        const text = entries.map(([k, v, exported]) => `${exported ? "export " : ""}${k}=${v}`).join("\n");
        for (const [k] of entries) {
          const expected = entries.flatMap(([other], index) => (other === k ? [index + 1] : []));
          expect(findKeyLines(text, k).assignments).toEqual(expected);
        }
      }),
      { numRuns },
    );
  });

  const shapes: Record<string, (n: number) => string> = {
    "blank lines then junk (quadratic in dotenv's classic parser)": (n) => `${"\n".repeat(n)}!!!`,
    "unterminated quotes on every line": (n) => "A='x\n".repeat(n / 5),
    "escaped quotes": (n) => `A="${'\\"'.repeat(n / 2)}`,
    "whitespace runs": (n) => `A${" ".repeat(n)}=x`,
    "many assignments of one key": (n) => "HF_TOKEN=x\n".repeat(n / 11),
    "a key mentioned without =": (n) => "HF_TOKEN  x\n".repeat(n / 12),
  };
  for (const [label, make] of Object.entries(shapes)) {
    it(`parses and scans 1 MiB of "${label}" in linear time`, () => {
      const run = (text: string) => {
        parseEnvText(text);
        findKeyLines(text, "HF_TOKEN");
      };
      const result = expectLinearTime(run, (n) => make(n).slice(0, n));
      expect(result.ratio).toBeLessThanOrEqual(24);
    }, 60_000);
  }
});
