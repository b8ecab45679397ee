import { chmodSync, utimesSync } from "node:fs";
import { join } from "node:path";
import {
  createSecretValue,
  defineProvider,
  type ModuleImporter,
  type SecretProvider,
  SecretProviderError,
} from "@hf-secrets/core";
import {
  createMemoryProvider,
  expectNoSecret,
  type FakeHfServer,
  makeTestToken,
  startFakeHfServer,
} from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDoctorReport, type DoctorReport, runCli } from "../src/index.js";
import { fakeIo } from "./support/fake-io.js";
import { tempDir, tempRepo } from "./support/temp-dir.js";

const ENV_ONLY = JSON.stringify({
  environments: {
    development: { chain: ["env"] },
    production: { chain: ["env"], policy: { tokenRole: ["read", "fineGrained"] } },
  },
});

async function doctor(cwd: string, env: Record<string, string>, ...args: string[]) {
  const fake = fakeIo({ cwd, env });
  const code = await runCli(["doctor", ...args], fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

async function doctorJson(cwd: string, env: Record<string, string>, ...args: string[]) {
  const run = await doctor(cwd, env, "--json", ...args);
  return { ...run, report: JSON.parse(run.stdout) as DoctorReport };
}

const ids = (report: DoctorReport) => report.checks.map((c) => `${c.level} ${c.id}`);

let server: FakeHfServer;
beforeAll(async () => {
  server = await startFakeHfServer();
});
afterAll(async () => {
  await server.close();
});

describe("hf-secrets doctor", () => {
  it("names the winning source with the value masked, and exits 0", async () => {
    const token = makeTestToken();
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, stdout, stderr } = await doctor(dir, { HF_TOKEN: token });
    expect(code).toBe(0);
    expect(stdout).toContain(`✓ HF_TOKEN = hf_****${token.slice(-4)} from env (env:HF_TOKEN)`);
    expect(stdout).toContain("chain        env");
    expect(stdout).not.toContain("\u001b[");
    expectNoSecret(stdout + stderr, token, "doctor output");
  });

  it("exits 1 when the environment cannot produce a token, with each attempt and its fix; --exit-zero reports only", async () => {
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const failed = await doctor(dir, {});
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("✗ no provider had HF_TOKEN");
    expect(failed.stdout).toContain("HF_TOKEN and HUGGING_FACE_HUB_TOKEN are not set.");
    expect(failed.stdout).toContain("fix: Set HF_TOKEN in the environment of the process");
    expect((await doctor(dir, {}, "--exit-zero")).code).toBe(0);
  });

  it("--json prints the report as data, masked", async () => {
    const token = makeTestToken();
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, report, stdout } = await doctorJson(dir, { HF_TOKEN: token, HF_SECRETS_ENV: "production" });
    expect(code).toBe(0);
    expect(report.environment).toEqual({ name: "production", source: "HF_SECRETS_ENV" });
    expect(report.winner).toMatchObject({
      provider: "env",
      location: "env:HF_TOKEN",
      masked: `hf_****${token.slice(-4)}`,
    });
    expect(report.policy?.tokenRole).toEqual(["read", "fineGrained"]);
    expect(ids(report)).toEqual(["info VERIFY_RECOMMENDED"]);
    expect(report.ok).toBe(true);
    expectNoSecret(stdout, token, "JSON report");
  });

  it("an environment the config does not define is an error (exit 1) that says which ones exist", async () => {
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, stdout } = await doctor(dir, { HF_TOKEN: makeTestToken() }, "--environment", "staging");
    expect(code).toBe(1);
    expect(stdout).toContain('The environment "staging" (from option) is not defined');
  });

  it("reports the environment's policy violations", async () => {
    const dir = tempDir({
      "hf-secrets.config.json": JSON.stringify({
        environments: { production: { chain: ["env", "dotenv"] } },
      }),
    });
    const { code, report } = await doctorJson(dir, { HF_TOKEN: makeTestToken() }, "-e", "production");
    expect(code).toBe(1);
    expect(report.checks[0]).toMatchObject({ id: "POLICY_VIOLATION", level: "error" });
    expect(report.checks[0]?.message).toContain('may not read secrets from "dotenv"');
  });

  it("HUGGING_FACE_HUB_TOKEN works but is flagged as the old name", async () => {
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, report } = await doctorJson(dir, { HUGGING_FACE_HUB_TOKEN: makeTestToken() });
    expect(code).toBe(0);
    expect(ids(report)).toEqual(["info DEPRECATED_VARIABLE"]);
  });

  it("finds Dockerfiles whose ENV or ARG holds the token (skipping node_modules), explains and warns", async () => {
    const token = makeTestToken();
    const dir = tempDir({
      "hf-secrets.config.json": ENV_ONLY,
      Dockerfile: 'FROM node:20\nARG HF_TOKEN\nENV HF_TOKEN=$HF_TOKEN\nCMD ["node", "app.js"]\n',
      "services/api/api.Dockerfile": `FROM x\nENV HUGGING_FACE_HUB_TOKEN=${token}\n`,
      "services/web/Containerfile": "FROM x\nENV PORT=80\n",
      "node_modules/pkg/Dockerfile": "FROM x\nENV HF_TOKEN=x\n",
    });
    const { code, report, stdout } = await doctorJson(dir, { HF_TOKEN: makeTestToken() });
    expect(code).toBe(0);
    const docker = report.checks.filter((c) => c.id === "DOCKERFILE_TOKEN");
    expect(docker.map((c) => c.location)).toEqual([
      "Dockerfile:2",
      "Dockerfile:3",
      "services/api/api.Dockerfile:2",
    ]);
    expect(docker.every((c) => c.level === "warn")).toBe(true);
    expect(docker[1]?.message).toContain("stays in the image's layers and `docker history`");
    expect(docker[0]?.fix).toContain("docker run -e HF_TOKEN");
    expect(docker[0]?.fix).toContain("RUN --mount=type=secret");
    expect(docker[2]?.message).toContain(`hf_****${token.slice(-4)}`);
    expectNoSecret(stdout, token, "doctor JSON");
  });

  it("warns about .env files git does not ignore or that are committed, not about ignored ones", async () => {
    const repo = tempRepo({
      "hf-secrets.config.json": ENV_ONLY,
      ".env": "HF_TOKEN=x\n",
      ".env.example": "HF_TOKEN=\n",
    });
    const open = await doctorJson(repo, { HF_TOKEN: makeTestToken() });
    expect(open.report.checks).toEqual([
      expect.objectContaining({ id: "NOT_GIT_IGNORED", level: "warn", location: join(repo, ".env") }),
    ]);
    expect(open.report.checks[0]?.message).toBe(
      ".env is not git-ignored and holds HF_TOKEN: the next `git add .` commits it.",
    );
    const ignored = tempRepo({
      "hf-secrets.config.json": ENV_ONLY,
      ".env": "HF_TOKEN=x\n",
      ".gitignore": ".env\n",
    });
    expect((await doctorJson(ignored, { HF_TOKEN: makeTestToken() })).report.checks).toEqual([]);
    const outside = tempDir({ "hf-secrets.config.json": ENV_ONLY, ".env": "HF_TOKEN=x\n" });
    expect((await doctorJson(outside, { HF_TOKEN: makeTestToken() })).report.checks).toEqual([]);
  });
});

describe("hf-secrets doctor --verify", () => {
  it("shows the account, role and fine-grained scopes from whoami-v2", async () => {
    const token = makeTestToken();
    server.acceptToken(token, {
      role: "fineGrained",
      displayName: "ci-reader",
      global: ["inference.serverless.write"],
      scoped: [{ entity: { type: "model", name: "acme/private-model" }, permissions: ["repo.content.read"] }],
    });
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const env = { HF_TOKEN: token, HF_SECRETS_ENV: "production" };
    const { code, stdout } = await doctor(dir, env, "--verify", "--hub-url", server.url);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'The token from env:HF_TOKEN is valid: user "hf-secrets-tester", role fineGrained',
    );
    expect(stdout).toContain(
      "scopes: global: inference.serverless.write; model acme/private-model: repo.content.read",
    );
    expect(stdout).toContain(
      'Its role "fineGrained" is allowed by the "production" policy (read, fineGrained).',
    );
    const json = await doctorJson(dir, env, "--verify", "--hub-url", server.url);
    expect(json.report.verification).toEqual([
      expect.objectContaining({ role: "fineGrained", tokenName: "ci-reader", used: true }),
    ]);
    expectNoSecret(stdout + json.stdout, token, "doctor --verify output");
  });

  it("a role broader than the policy allows is a policy violation: exit 1", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "write" });
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, report } = await doctorJson(
      dir,
      { HF_TOKEN: token, HF_ENDPOINT: server.url },
      "-e",
      "production",
      "--verify",
    );
    expect(code).toBe(1);
    expect(ids(report)).toEqual(["ok TOKEN_VERIFIED", "error POLICY_VIOLATION"]);
    expect(report.checks[1]?.message).toContain('has the role "write"');
    expect(report.ok).toBe(false);
  });

  it("a token the Hub rejects makes the doctor fail", async () => {
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, stdout } = await doctor(
      dir,
      { HF_TOKEN: makeTestToken() },
      "--verify",
      "--hub-url",
      server.url,
    );
    expect(code).toBe(1);
    expect(stdout).toContain(
      "Hugging Face does not accept the token from env:HF_TOKEN (whoami-v2 answered 401)",
    );
  });

  it("waits out a 429 and succeeds", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "read" });
    server.enqueue({ status: 429, headers: { "retry-after": "0" }, pathPrefix: "/api/whoami-v2" });
    const before = server.whoamiCalls;
    const dir = tempDir({ "hf-secrets.config.json": ENV_ONLY });
    const { code, report } = await doctorJson(dir, { HF_TOKEN: token }, "--verify", "--hub-url", server.url);
    expect(code).toBe(0);
    expect(server.whoamiCalls - before).toBe(2);
    expect(report.verification?.[0]?.role).toBe("read");
  });
});

/** A config importer serving fake `env`-like providers under the hf-cli and dotenv names. */
function importerWith(providers: Record<string, SecretProvider>): ModuleImporter {
  return async (specifier) => {
    const name = Object.keys(providers).find((n) => specifier === `@hf-secrets/${n}`);
    if (!name)
      throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" });
    return {
      hfSecretsProvider: defineProvider({
        name,
        packageName: specifier,
        options: {},
        create: () => providers[name]!,
      }),
    };
  };
}

describe("buildDoctorReport with the default chain", () => {
  it("shows the CLI login shadowed by HF_TOKEN, and verifies each distinct token once", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "read" });
    const before = server.whoamiCalls;
    const report = await buildDoctorReport({
      cwd: tempDir(),
      env: { HF_TOKEN: token },
      config: false,
      verify: true,
      hubUrl: server.url,
      importer: importerWith({
        env: createMemoryProvider({ name: "env", secrets: { HF_TOKEN: token } }),
        dotenv: createMemoryProvider({ name: "dotenv" }),
        "hf-cli": createMemoryProvider({ name: "hf-cli", secrets: { HF_TOKEN: token } }),
      }),
    });
    expect(report.chain).toEqual(["env", "dotenv", "hf-cli"]);
    expect(report.attempts.map((a) => `${a.provider} ${a.outcome} ${a.used} ${a.shadowed}`)).toEqual([
      "env answered true false",
      "dotenv not-found false false",
      "hf-cli answered false true",
    ]);
    const shadowed = report.checks.find((c) => c.id === "shadowed");
    expect(shadowed?.message).toContain("(same value)");
    expect(shadowed?.fix).toContain("Your `hf auth login` token is ignored while HF_TOKEN is set");
    expect(report.verification?.map((v) => `${v.provider} ${v.role}`)).toEqual(["env read", "hf-cli read"]);
    expect(server.whoamiCalls - before).toBe(1);
  });

  it("turns provider warnings into checks, and reports the file's age", async () => {
    const dir = tempDir({ ".env": "HF_TOKEN=x\n" });
    const file = join(dir, ".env");
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    const dotenv: SecretProvider = {
      name: "dotenv",
      getSecret: async () =>
        createSecretValue({
          value: makeTestToken(),
          provider: "dotenv",
          location: `dotenv:${file}#HF_TOKEN`,
          warnings: [{ code: "NOT_GIT_IGNORED", message: `${file} is not git-ignored.`, location: file }],
        }),
    };
    const report = await buildDoctorReport({
      cwd: dir,
      env: {},
      config: { environments: { development: { chain: ["dotenv"] } } },
      importer: importerWith({ dotenv }),
      now: () => 1_000_000 + 3 * 86_400_000,
    });
    expect(report.checks).toEqual([
      {
        id: "NOT_GIT_IGNORED",
        level: "warn",
        message: `dotenv: ${file} is not git-ignored.`,
        location: file,
      },
    ]);
    expect(report.winner?.modifiedAt).toBe(new Date(1_000_000).toISOString());
    expect(report.winner?.ageMs).toBe(3 * 86_400_000);
  });

  it("checks the CLI token file's permissions itself when the hf-cli provider fails (e.g. strict mode)", async () => {
    const hfHome = tempDir({ token: makeTestToken(), stored_tokens: "[a]\nhf_token = x\n" });
    chmodSync(join(hfHome, "token"), 0o644);
    chmodSync(join(hfHome, "stored_tokens"), 0o600);
    const strict: SecretProvider = {
      name: "hf-cli",
      getSecret: async () => {
        throw new SecretProviderError({
          code: "POLICY_VIOLATION",
          provider: "hf-cli",
          location: join(hfHome, "token"),
          message: "The token file is readable by other users, which the strict policy refuses.",
          fix: "chmod 600 it.",
        });
      },
    };
    const report = await buildDoctorReport({
      cwd: tempDir(),
      env: { HF_HOME: hfHome },
      config: { environments: { development: { chain: ["hf-cli"], policy: { strict: true } } } },
      importer: importerWith({ "hf-cli": strict }),
    });
    expect(report.ok).toBe(false);
    expect(ids(report)).toEqual(["error POLICY_VIOLATION", "warn LOOSE_PERMISSIONS"]);
    expect(report.checks[1]?.location).toBe(join(hfHome, "token"));
    expect(report.checks[1]?.fix).toContain(`chmod 600 ${join(hfHome, "token")}`);
    expect(report.checks[1]?.message).toContain("0644");
  });
});

describe("hf-secrets doctor with the real hf-cli provider", () => {
  const CONFIG = JSON.stringify({
    environments: {
      development: { chain: ["env", "hf-cli"] },
      production: { chain: ["env", "hf-cli"], policy: { allow: ["env", "hf-cli"] } },
    },
  });

  it("shows HF_TOKEN shadowing the CLI login, and the login file's age when it is used", async () => {
    const token = makeTestToken();
    const hfHome = tempDir({ token });
    chmodSync(join(hfHome, "token"), 0o600);
    const cwd = tempDir({ "hf-secrets.config.json": CONFIG });
    const shadowed = await doctorJson(cwd, { HF_HOME: hfHome, HF_TOKEN: makeTestToken() });
    expect(shadowed.report.attempts.map((a) => `${a.provider} ${a.used} ${a.shadowed}`)).toEqual([
      "env true false",
      "hf-cli false true",
    ]);
    expect(shadowed.report.checks.find((c) => c.id === "shadowed")?.fix).toContain(
      "`hf auth login` token is ignored",
    );
    const login = await doctor(cwd, { HF_HOME: hfHome });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`from hf-cli (${join(hfHome, "token")})`);
    expect(login.stdout).toMatch(/file written \S+ \((less than a second|\d+ seconds?) ago\)/);
    expectNoSecret(shadowed.stdout + login.stdout, token, "doctor output");
  });

  it("in strict production, a loose token file stops the chain and the doctor says how to fix it", async () => {
    const hfHome = tempDir({ token: makeTestToken() });
    chmodSync(join(hfHome, "token"), 0o644);
    const cwd = tempDir({ "hf-secrets.config.json": CONFIG });
    const { code, report } = await doctorJson(cwd, { HF_HOME: hfHome }, "-e", "production");
    expect(code).toBe(1);
    expect(report.attempts[1]).toMatchObject({ provider: "hf-cli", outcome: "error" });
    const loose = report.checks.find((c) => c.id === "LOOSE_PERMISSIONS");
    expect(loose?.location).toBe(join(hfHome, "token"));
    expect(loose?.fix).toContain("chmod 600");
  });
});
