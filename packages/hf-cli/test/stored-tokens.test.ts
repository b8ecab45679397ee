import { describe, expect, it } from "vitest";
import { parseStoredTokens, StoredTokensSyntaxError } from "../src/stored-tokens.js";

const tokens = (text: string) => Object.fromEntries(parseStoredTokens(text));
const syntaxError = (text: string): StoredTokensSyntaxError => {
  try {
    parseStoredTokens(text);
  } catch (error) {
    if (error instanceof StoredTokensSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a StoredTokensSyntaxError");
};

// Each case is configparser behaviour observed with huggingface_hub 2.4.0 on CPython 3.11
// (NOTES-huggingface-hub.md, section 3); the interop suite also compares random files with the real thing.
describe("parseStoredTokens: configparser as huggingface_hub uses it", () => {
  it("reads the file _save_token writes", () => {
    expect(tokens("[alpha]\nhf_token = t1\n\n[beta]\nhf_token = t2\n\n")).toEqual({
      alpha: "t1",
      beta: "t2",
    });
  });

  it("keeps section order, names as written (case-sensitive, unstripped)", () => {
    const parsed = parseStoredTokens(
      "[b]\nhf_token=2\n[A]\nhf_token=1\n[a]\nhf_token=0\n[ c ]\nhf_token=3\n",
    );
    expect([...parsed.keys()]).toEqual(["b", "A", "a", " c "]);
  });

  it("reads headers greedily up to the last ] and ignores the rest of the line", () => {
    expect(tokens("[x]y]\nhf_token=1\n")).toEqual({ "x]y": "1" });
    expect(tokens("[b]hf_token = t2\n")).toEqual({ b: "" });
    expect(tokens("  [a]\nhf_token=1")).toEqual({ a: "1" });
  });

  it("lower-cases keys, accepts = and :, splits at the first delimiter", () => {
    expect(tokens("[a]\nHF_TOKEN = x\n")).toEqual({ a: "x" });
    expect(tokens("[a]\nhf_token: y\n")).toEqual({ a: "y" });
    expect(tokens("[a]\nhf_token = t1 = x : y\n")).toEqual({ a: "t1 = x : y" });
    expect(tokens("[a]\nhf_token: = v\n")).toEqual({ a: "= v" });
  });

  it("has no inline comments, no interpolation, and keeps quotes", () => {
    expect(tokens("[a]\nhf_token = t1 # x\n[b]\nhf_token = t2 ; x\n")).toEqual({ a: "t1 # x", b: "t2 ; x" });
    expect(tokens('[a]\nhf_token = 100%\n[b]\nhf_token = %(x)s\n[c]\nhf_token = "t1"\n')).toEqual({
      a: "100%",
      b: "%(x)s",
      c: '"t1"',
    });
  });

  it("skips comment lines, also indented ones", () => {
    expect(tokens("# top\n[a]\n  ; note\nhf_token = x\n#end")).toEqual({ a: "x" });
  });

  it("joins continuation lines with \\n, keeps inner blank lines, right-strips the end", () => {
    expect(parseStoredTokens("[a]\nhf_token = t1\n  cont\n\n  after-blank\n").get("a")).toBe(
      "t1\ncont\n\nafter-blank",
    );
    expect(parseStoredTokens("[a]\nhf_token =\n  t1\n").get("a")).toBe("\nt1");
    expect(parseStoredTokens("[a]\nhf_token = t1\n\n   \n").get("a")).toBe("t1");
    expect(parseStoredTokens("[a]\nhf_token=\n").get("a")).toBe("");
    // a comment line inside a value is dropped, and does not end the value
    expect(parseStoredTokens("[a]\nhf_token = t1\n# c\n  t2\n").get("a")).toBe("t1\nt2");
    // an indented header after an option is part of the value
    expect(tokens("[a]\nhf_token = t1\n  [b]\n")).toEqual({ a: "t1\n[b]" });
  });

  it("inherits [DEFAULT] (exact case), and a section's own key wins", () => {
    expect(tokens("[DEFAULT]\nhf_token = d\n[a]\n[b]\nhf_token = own\n")).toEqual({ a: "d", b: "own" });
    expect(tokens("[default]\nhf_token = d\n[a]\n")).toEqual({ default: "d", a: "" });
    expect(tokens("[DEFAULT]\nhf_token = d\n[a]\n[DEFAULT]\nother = 1\n")).toEqual({ a: "d" });
  });

  it("gives an empty token for a section without hf_token", () => {
    expect(tokens("[a]\nother = 1\n")).toEqual({ a: "" });
  });

  it("reads CRLF and lone CR files (universal newlines)", () => {
    expect(tokens("[a]\r\nhf_token = x\r\n\r\n[b]\rhf_token = y\r")).toEqual({ a: "x", b: "y" });
  });

  it("reads an empty file as no tokens", () => {
    expect(tokens("")).toEqual({});
    expect(tokens("\n\n  \n# only comments\n")).toEqual({});
  });

  it("treats __proto__, constructor and prototype as ordinary names", () => {
    const parsed = parseStoredTokens(
      "[__proto__]\nhf_token = p\n[constructor]\n__proto__ = x\nhf_token = c\n[prototype]\nhf_token = q\n",
    );
    expect([...parsed]).toEqual([
      ["__proto__", "p"],
      ["constructor", "c"],
      ["prototype", "q"],
    ]);
    expect(Object.getPrototypeOf(parsed)).toBe(Map.prototype);
    expect(({} as Record<string, unknown>).hf_token).toBeUndefined();
  });

  it("reports, by line and without quoting the file, what Python's configparser rejects", () => {
    expect(syntaxError("hf_token = x\n[a]\n").line).toBe(1);
    expect(syntaxError("hf_token = x\n").problem).toContain("before the first [section] header");
    expect(syntaxError("\ufeff[a]\nhf_token = x\n").problem).toContain("byte-order mark");
    const duplicate = syntaxError("[a]\nhf_token = x\n[b]\n[a]\n");
    expect(duplicate.line).toBe(4);
    expect(duplicate.problem).toContain("line 1");
    const duplicateKey = syntaxError("[a]\nhf_token = x\nHF_Token = y\n");
    expect([duplicateKey.line, duplicateKey.problem]).toEqual([3, expect.stringContaining("line 2")]);
    expect(syntaxError("[a]\nhf_token\n").line).toBe(2);
    expect(syntaxError("[a]\n= t1\n").problem).toContain("no key");
    expect(syntaxError("[a]\n: t1\n").line).toBe(2);
    expect(syntaxError("[]\nhf_token = x\n").line).toBe(1);
    expect(syntaxError("[DEFAULT]\nhf_token = d\n[DEFAULT]\nHF_TOKEN = e\n").line).toBe(4);
    const secretLine = `[a]\nhf_${"Q".repeat(34)}\n`;
    expect(syntaxError(secretLine).message).not.toContain("QQQQ");
  });
});
