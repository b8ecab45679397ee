import { inspect } from "node:util";
import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { maskSecret } from "../src/mask.js";
import { Secret } from "../src/secret.js";
import { createSecretValue } from "../src/secret-value.js";

describe("Secret", () => {
  const token = makeTestToken();
  const secret = new Secret(token);

  it("reveals the value only through reveal()", () => {
    expect(secret.reveal()).toBe(token);
    const shown = [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      inspect({ nested: { secret } }, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify({ ...secret }),
      JSON.stringify(Object.getOwnPropertyNames(secret)),
      String(secret.valueOf()),
    ].join("\n");
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(Buffer.from(token).toString("base64"));
    expect(String(secret)).toBe(`hf_****${token.slice(-4)}`);
  });

  it("cannot be mutated or structured-cloned into a readable copy", () => {
    expect(Object.isFrozen(secret)).toBe(true);
    expect(JSON.stringify(structuredClone(secret))).not.toContain(token);
  });

  it("compares by value without revealing", () => {
    expect(secret.equals(new Secret(token))).toBe(true);
    expect(secret.equals(new Secret(makeTestToken()))).toBe(false);
    expect(secret.equals(undefined)).toBe(false);
  });

  it("masks short values completely and keeps known prefixes", () => {
    expect(maskSecret("short")).toBe("****");
    expect(maskSecret(`hf_oauth_${"x".repeat(20)}wxyz`)).toBe("hf_oauth_****wxyz");
    expect(maskSecret(`api_org_${"x".repeat(20)}wxyz`)).toBe("api_org_****wxyz");
    expect(maskSecret(`${"x".repeat(20)}wxyz`)).toBe("****wxyz");
  });

  it("rejects a non-string value", () => {
    expect(() => new Secret(42 as unknown as string)).toThrow(/holds a string/);
  });
});

describe("createSecretValue", () => {
  it("freezes the value, wraps strings, drops undefined fields", () => {
    const value = createSecretValue({
      value: makeTestToken(),
      provider: "p",
      location: "p:X",
      version: undefined,
    });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Secret.isSecret(value.value)).toBe(true);
    expect("version" in value).toBe(false);
    expect(Number.isFinite(value.fetchedAt)).toBe(true);
  });
});
