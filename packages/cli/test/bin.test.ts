import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/temp-dir.js";

// The built command, run as a real process: exit codes and signals only show there.
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const CONFIG = JSON.stringify({ environments: { development: { chain: ["env"] } } });

interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  untilStdout(text: string): Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  // A failed test must not leave a process behind.
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir({ "hf-secrets.config.json": CONFIG }),
    env: { PATH: process.env.PATH ?? "", HOME: tempDir(), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    untilStdout: (text) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!out.includes(text)) return;
          child.stdout!.off("data", check);
          resolve();
        };
        child.stdout!.on("data", check);
        check();
        void exit.then(() =>
          out.includes(text) ? resolve() : reject(new Error(`exited before "${text}": ${err}`)),
        );
      }),
    exit,
  };
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package first (npm run build).`);
});

describe("dist/bin.js", () => {
  it("--version prints the version and exits 0; a wrong command exits 2", async () => {
    const version = run(["--version"]);
    expect(await version.exit).toEqual({ code: 0, signal: null });
    expect(version.stdout()).toBe("0.1.0\n");
    const wrong = run(["frobnicate"]);
    expect((await wrong.exit).code).toBe(2);
    expect(wrong.stderr()).toContain("unknown command 'frobnicate'");
  });

  it("doctor names the source the way `npm start` and CI expect", async () => {
    const token = makeTestToken();
    const doctor = run(["doctor", "--exit-zero"], { env: { HF_TOKEN: token } });
    expect((await doctor.exit).code).toBe(0);
    expect(doctor.stdout()).toContain("from env (env:HF_TOKEN)");
    expectNoSecret(doctor.stdout() + doctor.stderr(), token, "doctor output");
  });

  it("scan exits 1 on a token and 0 on a clean tree", async () => {
    const dirty = run(["scan"], { cwd: tempDir({ "a.txt": makeTestToken() }) });
    expect((await dirty.exit).code).toBe(1);
    const clean = run(["scan"], { cwd: tempDir({ "a.txt": "nothing" }) });
    expect((await clean.exit).code).toBe(0);
  });

  it("get prints the value to a pipe", async () => {
    const token = makeTestToken();
    const get = run(["get", "HF_TOKEN"], { env: { HF_TOKEN: token } });
    expect((await get.exit).code).toBe(0);
    expect(get.stdout()).toBe(`${token}\n`);
  });

  it("exec passes the command's exit code through", async () => {
    const exec = run(["exec", "--", process.execPath, "-e", "process.exit(7)"], {
      env: { HF_TOKEN: makeTestToken() },
    });
    expect((await exec.exit).code).toBe(7);
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`exec forwards ${signal} to the command and exits with its code`, async () => {
      const child = `process.on("${signal}", () => { console.log("child got ${signal}"); process.exit(0); }); console.log("ready"); setTimeout(() => process.exit(99), 15000);`;
      const exec = run(["exec", "--", process.execPath, "-e", child], { env: { HF_TOKEN: makeTestToken() } });
      await exec.untilStdout("ready");
      exec.child.kill(signal);
      expect(await exec.exit).toEqual({ code: 0, signal: null });
      expect(exec.stdout()).toBe(`ready\nchild got ${signal}\n`);
    });
  }

  it("exec exits 143 when SIGTERM ends a command that does not handle it", async () => {
    const exec = run(
      [
        "exec",
        "--",
        process.execPath,
        "-e",
        "console.log('ready'); setTimeout(() => process.exit(99), 15000);",
      ],
      {
        env: { HF_TOKEN: makeTestToken() },
      },
    );
    await exec.untilStdout("ready");
    exec.child.kill("SIGTERM");
    expect(await exec.exit).toEqual({ code: 143, signal: null });
  });
});
