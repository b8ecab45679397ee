import { expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/index.js";
import { type FakeIo, fakeIo } from "./support/fake-io.js";
import { tempDir } from "./support/temp-dir.js";

const CONFIG = JSON.stringify({ environments: { development: { chain: ["env"] } } });
// The child reports whether each variable is set and its length: never the value.
const REPORT = `for (const k of process.argv.slice(1)) console.log(k + "=" + (process.env[k] === undefined ? "unset" : "set:" + process.env[k].length));`;

function setup(env: Record<string, string>): FakeIo {
  return fakeIo({
    cwd: tempDir({ "hf-secrets.config.json": CONFIG }),
    env: { PATH: process.env.PATH ?? "", ...env },
  });
}

describe("hf-secrets exec", () => {
  it("runs the command with HF_TOKEN in its environment only", async () => {
    const token = makeTestToken();
    const fake = setup({ HF_TOKEN: token });
    const before = process.env.HF_TOKEN;
    const code = await runCli(["exec", "--", process.execPath, "-e", REPORT, "HF_TOKEN"], fake.io);
    expect(code).toBe(0);
    expect(fake.stdout()).toBe(`HF_TOKEN=set:${token.length}\n`);
    expect(process.env.HF_TOKEN).toBe(before);
    expectNoSecret(fake.stdout() + fake.stderr(), token, "exec output");
  });

  it("passes the secrets named by --secret, also under another variable name", async () => {
    const token = makeTestToken();
    const fake = setup({ HF_TOKEN: token, OTHER_SECRET: "abc" });
    const code = await runCli(
      [
        "exec",
        "-s",
        "HF_TOKEN",
        "--secret",
        "MY_TOKEN=HF_TOKEN",
        "-s",
        "OTHER_SECRET",
        "--",
        process.execPath,
        "-e",
        REPORT,
        "HF_TOKEN",
        "MY_TOKEN",
        "OTHER_SECRET",
      ],
      fake.io,
    );
    expect(code).toBe(0);
    expect(fake.stdout()).toBe(
      `HF_TOKEN=set:${token.length}\nMY_TOKEN=set:${token.length}\nOTHER_SECRET=set:3\n`,
    );
  });

  it("passes the command's options through without `--` after the command name", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const code = await runCli(["exec", process.execPath, "-e", "process.exit(3)"], fake.io);
    expect(code).toBe(3);
  });

  it("exits with the command's exit code, and its stderr comes through", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const code = await runCli(
      ["exec", "--", process.execPath, "-e", "console.error('boom'); process.exit(42)"],
      fake.io,
    );
    expect(code).toBe(42);
    expect(fake.stderr()).toBe("boom\n");
  });

  it("does not start the command when a secret cannot be resolved (exit 125, the chain's message)", async () => {
    const fake = setup({});
    const code = await runCli(["exec", "--", process.execPath, "-e", "console.log('ran')"], fake.io);
    expect(code).toBe(125);
    expect(fake.stdout()).toBe("");
    expect(fake.stderr()).toContain('No provider had "HF_TOKEN"');
    expect(fake.stderr()).toContain("was not started");
  });

  it("a command that does not exist exits 127", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const code = await runCli(["exec", "--", "hf-secrets-no-such-command-xyz"], fake.io);
    expect(code).toBe(127);
    expect(fake.stderr()).toContain("command not found: hf-secrets-no-such-command-xyz");
  });

  it("a bad --secret is refused before anything runs", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const code = await runCli(
      ["exec", "-s", "1BAD=HF_TOKEN", "--", process.execPath, "-e", "console.log('ran')"],
      fake.io,
    );
    expect(code).toBe(125);
    expect(fake.stdout()).toBe("");
  });

  it("forwards SIGTERM to the child, which can exit cleanly", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const child = `process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.exit(0); }); console.log("ready"); setTimeout(() => process.exit(99), 15000);`;
    const running = runCli(["exec", "--", process.execPath, "-e", child], fake.io);
    await fake.untilStdout("ready");
    expect(fake.signals.listenerCount("SIGTERM")).toBe(1);
    fake.signals.emit("SIGTERM");
    expect(await running).toBe(0);
    expect(fake.stdout()).toBe("ready\nchild got SIGTERM\n");
    expect(fake.signals.listenerCount("SIGTERM")).toBe(0);
  });

  it("exits 128 + N when signal N ends the child", async () => {
    const fake = setup({ HF_TOKEN: makeTestToken() });
    const running = runCli(
      [
        "exec",
        "--",
        process.execPath,
        "-e",
        "console.log('ready'); setTimeout(() => process.exit(99), 15000);",
      ],
      fake.io,
    );
    await fake.untilStdout("ready");
    fake.signals.emit("SIGINT");
    expect(await running).toBe(128 + 2);
  });
});
