import { MANAGED_TOKEN_PLACEHOLDER } from "@hf-secrets/client";
import { expectLinearTime, makeTestToken } from "@hf-secrets/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findTokens, isTokenShaped } from "../src/index.js";
import { CLIENT_PLACEHOLDER } from "../src/scan/token-patterns.js";

const runs = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const makeJwt = () =>
  `hf_jwt_${b64url({ alg: "EdDSA" })}.${b64url({ sub: "x", exp: 1 })}.${makeTestToken("", 43)}`;

describe("findTokens", () => {
  it("finds each Hugging Face token shape with its rule and position", () => {
    const classic = makeTestToken();
    const oauth = makeTestToken("hf_oauth_", 40);
    const jwt = makeJwt();
    const org = makeTestToken("api_org_", 34);
    const text = `a="${classic}"\nb: ${oauth}\nc=${jwt} d='${org}'`;
    const found = findTokens(text);
    expect(found.map((f) => f.ruleId)).toEqual([
      "hf-user-access-token",
      "hf-oauth-token",
      "hf-jwt-token",
      "hf-legacy-org-token",
    ]);
    expect(found.map((f) => f.value)).toEqual([classic, oauth, jwt, org]);
    for (const f of found) expect(text.slice(f.index, f.index + f.value.length)).toBe(f.value);
  });

  it("accepts digits in the 34-character body, and only exactly 34 characters", () => {
    const withDigits = `hf_${"Ab3".repeat(11)}x`;
    expect(isTokenShaped(withDigits)).toBe(true);
    expect(findTokens(`x ${makeTestToken("hf_", 33)} y`)).toEqual([]);
    expect(findTokens(`x ${makeTestToken("hf_", 35)} y`)).toEqual([]);
    expect(findTokens(`x ${makeTestToken("api_org_", 33)} y`)).toEqual([]);
  });

  it("does not flag identifiers, placeholders or tokens glued to other word characters", () => {
    const token = makeTestToken();
    const texts = [
      CLIENT_PLACEHOLDER,
      "hf_oauth_scopes: [read-repos]",
      "hf_oauth_expiration_minutes: 480",
      // Built at run time: the repository's own token check would flag the identifier as written.
      `def f(hf_jwt_public_keys, hf_jwt${"_"}additional_public_keys): pass`,
      "hf_your_token_here",
      "hf_XXXXXXXX",
      `my${token}`,
      `${token}x`,
      `_${token}`,
      `${token}_suffix`,
      "hf_oauth_short",
    ];
    for (const text of texts) expect(findTokens(text), text).toEqual([]);
  });

  it("is told about the client's placeholder", () => {
    expect(CLIENT_PLACEHOLDER).toBe(MANAGED_TOKEN_PLACEHOLDER);
  });

  it("finds a token wherever it is embedded between non-word characters (property)", () => {
    const separators = fc.constantFrom(
      " ",
      "\n",
      '"',
      "'",
      "=",
      ":",
      "`",
      "(",
      ")",
      ",",
      "/",
      "-",
      ".",
      "\t",
    );
    const filler = fc.string({ unit: fc.constantFrom(..."ab_ -=\n#hf", "api"), maxLength: 40 });
    fc.assert(
      fc.property(
        filler,
        separators,
        fc.string({ unit: fc.constantFrom(...letters), minLength: 34, maxLength: 34 }),
        separators,
        filler,
        (before, left, body, right, after) => {
          const token = `hf_${body}`;
          const text = `${before}${left}${token}${right}${after}`;
          const found = findTokens(text).filter((f) => f.value === token);
          expect(found.length).toBeGreaterThanOrEqual(1);
          expect(found.some((f) => f.index === before.length + left.length)).toBe(true);
        },
      ),
      { numRuns: runs },
    );
  });

  it("reports only whole, token-shaped, correctly placed matches (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."hf_aApiorg-=. \n0"), maxLength: 200 }), (text) => {
        for (const f of findTokens(text)) {
          expect(isTokenShaped(f.value)).toBe(true);
          expect(text.slice(f.index, f.index + f.value.length)).toBe(f.value);
          expect(/[A-Za-z0-9_]/.test(text[f.index - 1] ?? " ")).toBe(false);
        }
      }),
      { numRuns: runs },
    );
  });

  it("runs in linear time on adversarial input", () => {
    const inputs: Array<(n: number) => string> = [
      (n) => "hf_".repeat(Math.ceil(n / 3)),
      (n) => `hf_oauth_${"a".repeat(n)}_`,
      (n) => "hf_jwt_eyJ".repeat(Math.ceil(n / 10)),
      (n) => `hf_jwt_eyJ${"a".repeat(n)}`,
      (n) => "api_org_a".repeat(Math.ceil(n / 9)),
      (n) => `${"a".repeat(33)}hf_`.repeat(Math.ceil(n / 36)),
    ];
    for (const makeInput of inputs)
      expectLinearTime((text) => findTokens(text), makeInput, { size: 64 * 1024 });
  });
});
