import { expectLinearTime } from "@hf-secrets/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanHfToken, hfTokenKind, pythonStrip } from "../src/hf-token.js";

const NUM_RUNS = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

describe("cleanHfToken (huggingface_hub _clean_token)", () => {
  it("removes every CR and LF, strips Python whitespace, maps empty to undefined", () => {
    expect(cleanHfToken("  hf_abc\r\n")).toBe("hf_abc");
    expect(cleanHfToken("hf_a\nb\rc")).toBe("hf_abc");
    expect(cleanHfToken(" \t\r\n ")).toBeUndefined();
    expect(cleanHfToken("")).toBeUndefined();
    expect(cleanHfToken(undefined)).toBeUndefined();
  });

  it("uses Python's whitespace set, not JavaScript's", () => {
    expect(pythonStrip("\x1chf_x\x1f\x85")).toBe("hf_x");
    expect(pythonStrip("\ufeffhf_x")).toBe("\ufeffhf_x");
    expect(cleanHfToken("hf_ a b ")).toBe("hf_ a b");
  });

  it("is idempotent, never throws, and never leaves CR/LF or edge whitespace", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (raw) => {
        const once = cleanHfToken(raw);
        if (once === undefined) return true;
        return (
          cleanHfToken(once) === once && !/[\r\n]/.test(once) && pythonStrip(once) === once && once.length > 0
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("cleans a 1 MiB hostile value in linear time", () => {
    const hostile = (size: number) => `${" \r\n".repeat(size / 6)}hf_x${"\u3000\r".repeat(size / 4)}`;
    expect(cleanHfToken(hostile(1024 * 1024))).toBe("hf_x");
    expectLinearTime(cleanHfToken, hostile);
  });
});

describe("hfTokenKind", () => {
  it("recognises the prefixes", () => {
    expect(hfTokenKind("hf_oauth_x")).toBe("oauth");
    expect(hfTokenKind("hf_jwt_x")).toBe("jwt");
    expect(hfTokenKind("hf_x")).toBe("user-access-token");
    expect(hfTokenKind("api_org_x")).toBe("legacy-org");
    expect(hfTokenKind("sk-x")).toBe("unknown");
  });
});
