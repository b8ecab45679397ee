import { createMemoryProvider, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { assertProviderAllowed, assertTokenRoleAllowed, resolvePolicy, withPolicy } from "../src/policy.js";

describe("policy", () => {
  it("denies dotenv and hf-cli in production by default, with the reason and what to use instead", () => {
    const policy = resolvePolicy("production");
    expect(policy.strict).toBe(true);
    expect(() => assertProviderAllowed(policy, "dotenv")).toThrow(
      /may not read secrets from "dotenv": production denies it by default: a \.env file .* Use environment variables/,
    );
    expect(() => assertProviderAllowed(policy, "hf-cli")).toThrow(
      /CLI login cache belongs to a person's machine/,
    );
    expect(() => assertProviderAllowed(policy, "aws")).not.toThrow();
  });

  it("lets a production policy allow them explicitly", () => {
    expect(() =>
      assertProviderAllowed(resolvePolicy("production", { allow: ["dotenv", "env"] }), "dotenv"),
    ).not.toThrow();
    expect(() =>
      assertProviderAllowed(resolvePolicy("production", { allow: ["dotenv", "env"] }), "aws"),
    ).toThrow(/allow list/);
  });

  it("is permissive in development unless told otherwise", () => {
    const policy = resolvePolicy("development");
    expect(policy.strict).toBe(false);
    expect(() => assertProviderAllowed(policy, "dotenv")).not.toThrow();
    expect(() => assertProviderAllowed(resolvePolicy("development", { deny: ["hf-cli"] }), "hf-cli")).toThrow(
      /denies it/,
    );
  });

  it("refuses a token role broader than allowed, naming the source", () => {
    const policy = resolvePolicy("production", { tokenRole: ["read", "fineGrained"] });
    expect(policy.verify).toBe(true);
    expect(() =>
      assertTokenRoleAllowed(policy, "write", { provider: "aws", location: "aws:prod/hf" }),
    ).toThrow(
      'The token from aws:prod/hf has the role "write", but the "production" policy allows only "read", "fineGrained".',
    );
    expect(() =>
      assertTokenRoleAllowed(policy, "fineGrained", { provider: "aws", location: "aws:prod/hf" }),
    ).not.toThrow();
  });

  it("checks the provenance of every value, not only the configured chain", async () => {
    const inner = createMemoryProvider({ name: "dotenv", secrets: { HF_TOKEN: makeTestToken() } });
    const guarded = withPolicy(
      { ...inner, name: "custom", getSecret: inner.getSecret },
      resolvePolicy("production"),
    );
    await expect(guarded.getSecret("HF_TOKEN")).rejects.toMatchObject({
      code: "POLICY_VIOLATION",
      provider: "dotenv",
    });
  });
});
