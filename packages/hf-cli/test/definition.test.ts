import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  type ModuleImporter,
  resolveEnvironment,
  SecretProviderError,
  traceResolution,
} from "@hf-secrets/core";
import { makeTestToken } from "@hf-secrets/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as hfCliPackage from "../src/index.js";
import { makeTempDir, storedTokensText, writeSecret } from "./fixtures.js";

const importer: ModuleImporter = (specifier) =>
  specifier === "@hf-secrets/hf-cli" ? Promise.resolve(hfCliPackage) : import(specifier);

let dir = "";
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(() => remove());

const failure = async (promise: Promise<unknown>): Promise<SecretProviderError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SecretProviderError.isInstance(error))
    throw new Error(`expected a SecretProviderError, got ${String(error)}`);
  return error;
};

describe("hfSecretsProvider (hf-cli) in config files", () => {
  it("resolves relative paths against the config folder and serves a named token", async () => {
    const token = makeTestToken();
    await mkdir(join(dir, "hf"));
    await writeSecret(join(dir, "hf", "stored_tokens"), storedTokensText(new Map([["ci-read", token]])));
    const resolved = await resolveEnvironment({
      config: {
        environments: { ci: { chain: [{ provider: "hf-cli", hfHome: "hf", tokenName: "ci-read" }] } },
      },
      environment: "ci",
      cwd: dir,
      env: {},
      importer,
    });
    const value = await resolved.provider.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`${join(dir, "hf", "stored_tokens")}[ci-read]`);
  });

  it("takes strict from the policy", async () => {
    await writeSecret(join(dir, "token"), makeTestToken(), 0o644);
    const config = (strict: boolean) => ({
      environments: { dev: { chain: [{ provider: "hf-cli", hfHome: dir }], policy: { strict } } },
    });
    const lax = await resolveEnvironment({
      config: config(false),
      environment: "dev",
      cwd: dir,
      env: {},
      importer,
    });
    expect((await lax.provider.getSecret("HF_TOKEN")).warnings?.map((w) => w.code)).toEqual([
      "LOOSE_PERMISSIONS",
    ]);
    const strict = await resolveEnvironment({
      config: config(true),
      environment: "dev",
      cwd: dir,
      env: {},
      importer,
    });
    expect((await failure(strict.provider.getSecret("HF_TOKEN"))).code).toBe("INVALID_CONFIGURATION");
  });

  it("checks the tokens map", async () => {
    const error = await failure(
      resolveEnvironment({
        config: { environments: { dev: { chain: [{ provider: "hf-cli", tokens: { HF_TOKEN_WRITE: 3 } }] } } },
        environment: "dev",
        cwd: dir,
        env: {},
        importer,
      }),
    );
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("tokens.HF_TOKEN_WRITE");
  });

  it("is refused in production by the default policy", async () => {
    const error = await failure(
      resolveEnvironment({
        config: { environments: { production: { chain: ["hf-cli"] } } },
        environment: "production",
        cwd: dir,
        env: {},
        importer,
      }),
    );
    expect(error.code).toBe("POLICY_VIOLATION");
    expect(error.message).toContain("the Hugging Face CLI login cache belongs to a person's machine");
  });
});

describe("the default development chain env → dotenv → hf-cli (real packages, imported by name)", () => {
  it("resolves all three and reports which one answers and which are shadowed", async () => {
    const fromEnv = makeTestToken();
    const fromDotenv = makeTestToken();
    const fromCli = makeTestToken();
    await writeSecret(join(dir, ".env"), `HF_TOKEN=${fromDotenv}\n`);
    await mkdir(join(dir, ".cache", "huggingface"), { recursive: true });
    await writeSecret(join(dir, ".cache", "huggingface", "token"), fromCli);
    const env = { NODE_ENV: "development", HF_TOKEN: fromEnv, HOME: dir };
    const resolved = await resolveEnvironment({ config: false, cwd: dir, env });
    expect(resolved.members.map((m) => m.name)).toEqual(["env", "dotenv", "hf-cli"]);
    expect(resolved.excluded).toEqual([]);
    const value = await resolved.provider.getSecret("HF_TOKEN");
    expect([value.provider, value.value.reveal()]).toEqual(["env", fromEnv]);

    const trace = await traceResolution(
      resolved.members.map((m) => m.provider),
      "HF_TOKEN",
    );
    expect(trace.attempts.map((a) => [a.provider, a.outcome, a.used, a.shadowed, a.location])).toEqual([
      ["env", "answered", true, false, "env:HF_TOKEN"],
      ["dotenv", "answered", false, true, `${join(dir, ".env")}#HF_TOKEN`],
      ["hf-cli", "answered", false, true, join(dir, ".cache", "huggingface", "token")],
    ]);
    expect(trace.attempts[1]!.value?.value.reveal()).toBe(fromDotenv);
    expect(trace.attempts[2]!.value?.value.reveal()).toBe(fromCli);

    const withoutEnv = await resolveEnvironment({
      config: false,
      cwd: dir,
      env: { NODE_ENV: "development", HOME: dir },
    });
    expect((await withoutEnv.provider.getSecret("HF_TOKEN")).provider).toBe("dotenv");
  });

  it("falls through to the CLI login when there is no HF_TOKEN and no .env", async () => {
    const token = makeTestToken();
    await writeSecret(join(dir, "token"), token);
    const resolved = await resolveEnvironment({
      config: false,
      cwd: dir,
      env: { NODE_ENV: "development", HF_HOME: dir },
    });
    const value = await resolved.provider.getSecret("HF_TOKEN");
    expect([value.provider, value.location, value.value.reveal()]).toEqual([
      "hf-cli",
      join(dir, "token"),
      token,
    ]);
  });
});
