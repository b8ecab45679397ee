import { expectNoSecret, type FakeHfServer, makeTestToken, startFakeHfServer } from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/index.js";
import { fakeIo } from "./support/fake-io.js";
import { tempDir } from "./support/temp-dir.js";

const CONFIG = JSON.stringify({
  environments: {
    development: { chain: ["env"] },
    production: { chain: ["env"], policy: { tokenRole: ["read"] } },
  },
});

async function get(env: Record<string, string>, options: { tty?: boolean } = {}, ...args: string[]) {
  const fake = fakeIo({ cwd: tempDir({ "hf-secrets.config.json": CONFIG }), env, stdoutTTY: options.tty });
  const code = await runCli(["get", ...args], fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

let server: FakeHfServer;
beforeAll(async () => {
  server = await startFakeHfServer();
});
afterAll(async () => {
  await server.close();
});

describe("hf-secrets get", () => {
  it("prints the value and a newline when stdout is not a terminal", async () => {
    const token = makeTestToken();
    const { code, stdout, stderr } = await get({ HF_TOKEN: token }, {}, "HF_TOKEN");
    expect(code).toBe(0);
    expect(stdout).toBe(`${token}\n`);
    expect(stderr).toBe("");
  });

  it("reads other secrets by name", async () => {
    const { stdout } = await get({ OPENAI_API_KEY: "sk-test-value" }, {}, "OPENAI_API_KEY");
    expect(stdout).toBe("sk-test-value\n");
  });

  it("refuses to print to a terminal (exit 1, message on stderr, nothing on stdout)", async () => {
    const token = makeTestToken();
    const { code, stdout, stderr } = await get({ HF_TOKEN: token }, { tty: true }, "HF_TOKEN");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("refusing to print HF_TOKEN to a terminal");
    expect(stderr).toContain("--reveal");
    expectNoSecret(stderr, token, "stderr");
  });

  it("prints to a terminal with --reveal", async () => {
    const token = makeTestToken();
    const { code, stdout } = await get({ HF_TOKEN: token }, { tty: true }, "HF_TOKEN", "--reveal");
    expect(code).toBe(0);
    expect(stdout).toBe(`${token}\n`);
  });

  it("a missing secret: the chain's message with every attempt on stderr, exit 1", async () => {
    const { code, stdout, stderr } = await get({}, {}, "HF_TOKEN");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain('No provider had "HF_TOKEN"');
    expect(stderr).toContain(
      "env (env:HF_TOKEN, env:HUGGING_FACE_HUB_TOKEN): HF_TOKEN and HUGGING_FACE_HUB_TOKEN are not set.",
    );
  });

  it("enforces the environment's token-role policy before printing", async () => {
    const read = makeTestToken();
    const write = makeTestToken();
    server.acceptToken(read, { role: "read" });
    server.acceptToken(write, { role: "write" });
    const env = { HF_SECRETS_ENV: "production", HF_ENDPOINT: server.url };
    const ok = await get({ ...env, HF_TOKEN: read }, {}, "HF_TOKEN");
    expect(ok.stdout).toBe(`${read}\n`);
    const refused = await get({ ...env, HF_TOKEN: write }, {}, "HF_TOKEN", "--hub-url", server.url);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain('has the role "write", but the "production" policy allows only "read"');
    expectNoSecret(refused.stderr, write, "stderr");
  });

  it("needs a name (usage error, exit 2)", async () => {
    const { code, stderr } = await get({}, {});
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'name'");
  });
});
