import { createRequire } from "node:module";
import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import {
  AggregateSecretError,
  SecretNotFoundError,
  SecretProviderError,
  toSafeCause,
  toSecretProviderError,
} from "../src/errors.js";
import { Secret } from "../src/secret.js";

describe("errors", () => {
  it("formats what happened and how to fix it", () => {
    const error = new SecretProviderError({
      code: "ACCESS_DENIED",
      provider: "aws",
      message: 'Access to "prod/hf" was denied.',
      fix: "Grant secretsmanager:GetSecretValue.",
    });
    expect(error.message).toBe(
      '[hf-secrets] [aws] Access to "prod/hf" was denied. Fix: Grant secretsmanager:GetSecretValue.',
    );
    expect(error.tryNext).toBe(false);
    expect(error.transient).toBe(false);
  });

  it("marks not-found as tryNext and transient codes as transient", () => {
    expect(new SecretNotFoundError({ provider: "env", message: "m" }).tryNext).toBe(true);
    for (const code of ["TRANSIENT", "THROTTLED", "TIMEOUT"] as const) {
      expect(new SecretProviderError({ code, provider: "x", message: "m" }).transient).toBe(true);
    }
  });

  it("reduces a cause to name, code, status and message: no request, response or headers survive", () => {
    const token = makeTestToken();
    const sdkError = Object.assign(new Error("Service unavailable"), {
      name: "ServiceUnavailable",
      $metadata: { httpStatusCode: 503 },
      request: { headers: { authorization: `Bearer ${token}` } },
      response: { body: token },
      code: "EUNAVAILABLE",
    });
    const error = new SecretProviderError({
      code: "TRANSIENT",
      provider: "aws",
      message: "m",
      cause: sdkError,
    });
    const cause = error.cause as Error & { statusCode?: number; code?: string };
    expect(cause.name).toBe("ServiceUnavailable");
    expect(cause.statusCode).toBe(503);
    expect(cause.code).toBe("EUNAVAILABLE");
    expect(JSON.stringify(Object.getOwnPropertyNames(cause))).not.toContain("request");
    expect(`${cause.stack}${JSON.stringify(cause)}`).not.toContain(token);
    expect(toSafeCause("plain string").message).toBe("plain string");
  });

  it("recognises errors and secrets from another installed copy of core (the CJS build)", () => {
    const require = createRequire(import.meta.url);
    const other = require("../dist/index.cjs") as typeof import("../src/index.js");
    const foreign = new other.SecretNotFoundError({ provider: "env", message: "m" });
    expect(foreign instanceof SecretProviderError).toBe(false);
    expect(SecretProviderError.isInstance(foreign)).toBe(true);
    expect(SecretNotFoundError.isInstance(foreign)).toBe(true);
    expect(AggregateSecretError.isInstance(foreign)).toBe(false);
    expect(Secret.isSecret(new other.Secret("x"))).toBe(true);
    expect(new Secret("same-value-123456").equals(new other.Secret("same-value-123456"))).toBe(true);
  });

  it("aggregates attempts with location, reason and fix", () => {
    const error = new AggregateSecretError("HF_TOKEN", [
      new SecretNotFoundError({
        provider: "env",
        location: "env:HF_TOKEN",
        message: "HF_TOKEN is not set.",
        fix: "export HF_TOKEN=...",
      }),
      new SecretNotFoundError({
        provider: "hf-cli",
        location: "/home/u/.cache/huggingface/token",
        message: "No token file.",
        fix: "Run `hf auth login`.",
      }),
    ]);
    expect(error.tryNext).toBe(true);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ["env", "not-found"],
      ["hf-cli", "not-found"],
    ]);
    expect(error.message).toContain('No provider had "HF_TOKEN"');
    expect(error.message).toContain("- env (env:HF_TOKEN): HF_TOKEN is not set. Fix: export HF_TOKEN=...");
    expect(error.message).toContain("Run `hf auth login`.");
  });

  it("wraps unknown throwables, keeping SecretProviderErrors as they are", () => {
    const original = new SecretNotFoundError({ provider: "env", message: "m" });
    expect(toSecretProviderError(original, { provider: "x" })).toBe(original);
    const wrapped = toSecretProviderError(new TypeError("boom"), { provider: "x", code: "TRANSIENT" });
    expect(wrapped.code).toBe("TRANSIENT");
    expect(wrapped.message).toContain("boom");
  });
});
