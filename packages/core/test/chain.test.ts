import { createMemoryProvider, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { chain } from "../src/chain.js";
import type { SecretProvider } from "../src/contract.js";
import { AggregateSecretError, SecretNotFoundError, SecretProviderError } from "../src/errors.js";
import { traceResolution } from "../src/trace.js";

function failing(
  name: string,
  code: "ACCESS_DENIED" | "INVALID_CONFIGURATION" | "TRANSIENT",
): SecretProvider & { calls: number } {
  const provider = {
    name,
    calls: 0,
    async getSecret(): Promise<never> {
      provider.calls++;
      throw new SecretProviderError({
        code,
        provider: name,
        location: `${name}:x`,
        message: `${code} from ${name}.`,
        fix: `Fix ${name}.`,
      });
    },
  };
  return provider;
}

describe("chain()", () => {
  it("returns the first provider that has the secret", async () => {
    const token = makeTestToken();
    const empty = createMemoryProvider({ name: "first" });
    const full = createMemoryProvider({ name: "second", secrets: { HF_TOKEN: token } });
    const third = createMemoryProvider({ name: "third", secrets: { HF_TOKEN: makeTestToken() } });
    const value = await chain(empty, full, third).getSecret("HF_TOKEN");
    expect(value.provider).toBe("second");
    expect(value.value.reveal()).toBe(token);
    expect(third.calls).toBe(0);
  });

  it("stops at a denied access or a broken configuration instead of skipping it", async () => {
    for (const code of ["ACCESS_DENIED", "INVALID_CONFIGURATION", "TRANSIENT"] as const) {
      const later = createMemoryProvider({ name: "later", secrets: { HF_TOKEN: makeTestToken() } });
      const error = await chain(createMemoryProvider({ name: "empty" }), failing("aws", code), later)
        .getSecret("HF_TOKEN")
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code, provider: "aws" });
      expect(later.calls).toBe(0);
    }
  });

  it("lists every attempt when no provider has the secret", async () => {
    const error = await chain(createMemoryProvider({ name: "a" }), createMemoryProvider({ name: "b" }))
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e);
    expect(AggregateSecretError.isInstance(error)).toBe(true);
    const aggregate = error as AggregateSecretError;
    expect(aggregate.attempts.map((a) => `${a.provider}:${a.location}:${a.outcome}`)).toEqual([
      "a:a:HF_TOKEN:not-found",
      "b:b:HF_TOKEN:not-found",
    ]);
    expect(aggregate.errors.every((e) => SecretNotFoundError.isInstance(e))).toBe(true);
    expect(aggregate.tryNext).toBe(true);
  });

  it("falls through a nested chain that has nothing", async () => {
    const token = makeTestToken();
    const nested = chain(createMemoryProvider({ name: "a" }));
    const value = await chain(
      nested,
      createMemoryProvider({ name: "b", secrets: { HF_TOKEN: token } }),
    ).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
  });

  it("watches every member and disposes every member", async () => {
    const a = createMemoryProvider({ name: "a" });
    const b = createMemoryProvider({ name: "b" });
    const combined = chain(a, b);
    let changes = 0;
    const stop = combined.watch!("HF_TOKEN", () => changes++);
    a.notify("HF_TOKEN");
    b.notify("HF_TOKEN");
    stop();
    a.notify("HF_TOKEN");
    expect(changes).toBe(2);
    await combined.dispose!();
    expect(a.disposed && b.disposed).toBe(true);
  });
});

describe("traceResolution()", () => {
  it("asks every provider and marks the winner and the shadowed answers", async () => {
    const envToken = makeTestToken();
    const trace = await traceResolution(
      [
        createMemoryProvider({ name: "env", secrets: { HF_TOKEN: envToken } }),
        createMemoryProvider({ name: "dotenv" }),
        createMemoryProvider({ name: "hf-cli", secrets: { HF_TOKEN: makeTestToken() } }),
      ],
      "HF_TOKEN",
    );
    expect(trace.winner?.value.reveal()).toBe(envToken);
    expect(trace.attempts.map((a) => [a.provider, a.outcome, a.used, a.shadowed])).toEqual([
      ["env", "answered", true, false],
      ["dotenv", "not-found", false, false],
      ["hf-cli", "answered", false, true],
    ]);
    expect(JSON.stringify(trace.attempts.map((a) => a.reason))).not.toContain(envToken);
  });

  it("reports the stopping error as the chain's error", async () => {
    const trace = await traceResolution(
      [
        failing("aws", "ACCESS_DENIED"),
        createMemoryProvider({ name: "env", secrets: { HF_TOKEN: makeTestToken() } }),
      ],
      "HF_TOKEN",
    );
    expect(trace.winner).toBeUndefined();
    expect(trace.error?.code).toBe("ACCESS_DENIED");
    expect(trace.attempts[1]?.outcome).toBe("answered");
  });
});
