import { expectLinearTime } from "@hf-secrets/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIni, parseStoredTokens, StoredTokensSyntaxError } from "../src/stored-tokens.js";

const numRuns = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

const piece = fc.constantFrom(
  "[",
  "]",
  "[a]",
  "[DEFAULT]",
  "[__proto__]",
  "[constructor]",
  "[prototype]",
  "[hasOwnProperty]",
  "[toString]",
  "__proto__",
  "constructor",
  "prototype",
  "valueOf",
  "hf_token",
  "HF_TOKEN",
  "=",
  ":",
  " = ",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "#",
  ";",
  "x",
  "\ufeff",
  "\u00a0",
  "\u2028",
  "\u0085",
  "%",
  "{",
  "}",
  "\\",
);
const iniText = fc.oneof(
  fc.array(piece, { maxLength: 60 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 200 }),
);

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(",");

describe("stored_tokens reader: properties", () => {
  it(`never pollutes a prototype and throws only StoredTokensSyntaxError (${numRuns} runs)`, () => {
    const before = prototypeKeys();
    fc.assert(
      fc.property(iniText, (text) => {
        try {
          const tokens = parseStoredTokens(text);
          expect(tokens).toBeInstanceOf(Map);
          for (const [name, value] of tokens) {
            expect(typeof name).toBe("string");
            expect(typeof value).toBe("string");
          }
        } catch (error) {
          expect(error).toBeInstanceOf(StoredTokensSyntaxError);
          const syntax = error as StoredTokensSyntaxError;
          expect(syntax.line).toBeGreaterThanOrEqual(1);
          expect(syntax.line).toBeLessThanOrEqual(text.split(/\r\n?|\n/).length);
        }
        expect(({} as Record<string, unknown>).hf_token).toBeUndefined();
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      { numRuns },
    );
    expect(prototypeKeys()).toBe(before);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it(`reads back what huggingface_hub writes, for any names and tokens (${numRuns} runs)`, () => {
    const name = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((n) => !/[\n\r\]]/.test(n) && n.trim() === n && n !== "DEFAULT" && !/^[#;]/.test(n));
    const token = fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((t) => !/[\n\r]/.test(t) && t.trim() === t && /^\S/u.test(t));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, token), { selector: ([n]) => n, maxLength: 6 }),
        (entries) => {
          const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          const text = sorted.map(([n, t]) => `[${n}]\nhf_token = ${t}\n\n`).join("");
          const parsed = parseStoredTokens(text);
          expect([...parsed]).toEqual(sorted);
        },
      ),
      { numRuns },
    );
  });

  const run = (text: string) => {
    try {
      parseIni(text);
    } catch (error) {
      if (!(error instanceof StoredTokensSyntaxError)) throw error;
    }
  };
  const shapes: Record<string, (n: number) => string> = {
    "brackets without a close": (n) => `[a]\nk=v\n${"[".repeat(n)}`,
    "100 000+ sections": (n) => Array.from({ length: n / 8 }, (_, i) => `[s${i}]\nk=v\n`).join(""),
    "deep continuation": (n) => `[a]\nhf_token = x\n${"  c\n".repeat(n / 4)}`,
    "blank lines inside a value": (n) => `[a]\nhf_token = x\n${"\n".repeat(n)}`,
    "whitespace runs": (n) => `[a]\n${" \u3000".repeat(n / 2)}hf_token = x\n`,
    "many delimiters and keys": (n) =>
      `[a]\n${Array.from({ length: n / 10 }, (_, i) => `k${i} =:= v\n`).join("")}`,
  };
  for (const [label, make] of Object.entries(shapes)) {
    it(`parses 1 MiB of "${label}" in linear time`, () => {
      const result = expectLinearTime(run, (n) => make(n).slice(0, n));
      expect(result.ratio).toBeLessThanOrEqual(24);
    }, 60_000);
  }
});
