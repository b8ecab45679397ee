import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type ModuleImporter, resolveEnvironment, SecretProviderError } from "@hf-secrets/core";
import { makeTestToken } from "@hf-secrets/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as dotenvPackage from "../src/index.js";
import { makeTempDir, writeEnv } from "./fixtures.js";

const importer: ModuleImporter = (specifier) =>
  specifier === "@hf-secrets/dotenv" ? Promise.resolve(dotenvPackage) : import(specifier);

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

describe("hfSecretsProvider (dotenv) in config files", () => {
  it("resolves path against the config folder and reads the selected environment's files", async () => {
    const token = makeTestToken();
    await mkdir(join(dir, "secrets"));
    await writeEnv(join(dir, "secrets", ".env.staging"), `HF_TOKEN=${token}\n`);
    const resolved = await resolveEnvironment({
      config: {
        environments: { staging: { chain: [{ provider: "dotenv", path: "secrets", gitCheck: false }] } },
      },
      environment: "staging",
      cwd: dir,
      env: {},
      importer,
    });
    const value = await resolved.provider.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`${join(dir, "secrets", ".env.staging")}#HF_TOKEN`);
  });

  it("rejects unknown options with a hint", async () => {
    const error = await failure(
      resolveEnvironment({
        config: { environments: { development: { chain: [{ provider: "dotenv", pth: "x" }] } } },
        environment: "development",
        cwd: dir,
        env: {},
        importer,
      }),
    );
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain('did you mean "path"?');
  });
});

describe("dotenv in production", () => {
  it("is refused by the default policy, with the reason and what to use instead", async () => {
    const error = await failure(
      resolveEnvironment({
        config: { environments: { production: { chain: ["env", "dotenv"] } } },
        environment: "production",
        cwd: dir,
        env: {},
        importer,
      }),
    );
    expect([error.code, error.provider]).toEqual(["POLICY_VIOLATION", "dotenv"]);
    expect(error.message).toContain(
      'The "production" environment may not read secrets from "dotenv": production denies it by default: a .env file is a development convenience',
    );
    expect(error.message).toContain(
      "Use environment variables injected at runtime, a mounted Kubernetes Secret or a secret manager",
    );
  });

  it("is left out of the default chain, and reported", async () => {
    const resolved = await resolveEnvironment({
      config: false,
      cwd: dir,
      env: { NODE_ENV: "production" },
      importer,
    });
    expect(resolved.members.map((m) => m.name)).toEqual(["env"]);
    expect(resolved.excluded.map((e) => e.name)).toEqual(["dotenv", "hf-cli"]);
    expect(resolved.excluded[0]!.reason).toContain("a .env file is a development convenience");
  });

  it("when a policy allows it explicitly, is strict (loose permissions are errors)", async () => {
    await writeEnv(join(dir, ".env.production"), `HF_TOKEN=${makeTestToken()}\n`, 0o644);
    const resolved = await resolveEnvironment({
      config: {
        environments: {
          production: { chain: [{ provider: "dotenv", gitCheck: false }], policy: { allow: ["dotenv"] } },
        },
      },
      environment: "production",
      cwd: dir,
      env: {},
      importer,
    });
    const error = await failure(resolved.provider.getSecret("HF_TOKEN"));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("strict mode (LOOSE_PERMISSIONS)");
  });
});
