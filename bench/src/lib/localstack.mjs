// Starts and stops LocalStack through the project's emulator script (integration-tests/emulators/localstack.sh),
// bounded in time, and always stops it when this process exits.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const LOCALSTACK_SCRIPT = join(ROOT, "integration-tests", "emulators", "localstack.sh");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(args, env, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn("bash", [LOCALSTACK_SCRIPT, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d) => {
      log += d;
    });
    child.stderr.on("data", (d) => {
      log += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, log });
    });
  });
}

/**
 * Starts LocalStack (fresh state) and returns { env, flavor, stop() } or throws with the reason.
 * In a network namespace (HF_BENCH_NETNS=1) it brings loopback up and uses the default port; otherwise it picks
 * a free port on 127.0.0.1. stop() is idempotent and also runs on process exit and on SIGINT/SIGTERM.
 */
export async function startLocalStack({ readyTimeoutS = 90 } = {}) {
  if (!existsSync(LOCALSTACK_SCRIPT)) throw new Error(`${LOCALSTACK_SCRIPT} does not exist`);
  if (process.env.HF_BENCH_NETNS === "1") execFileSync("ip", ["link", "set", "lo", "up"]);
  const runDir = mkdtempSync(join(tmpdir(), "hf-secrets-bench-localstack-"));
  const port = process.env.HF_BENCH_NETNS === "1" ? 4566 : await freePort();
  const env = {
    ...process.env,
    HF_SECRETS_RUN_DIR: runDir,
    LOCALSTACK_PORT: String(port),
    LOCALSTACK_READY_TIMEOUT: String(readyTimeoutS),
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync("bash", [LOCALSTACK_SCRIPT, "stop"], { env, stdio: "ignore", timeout: 30_000 });
    rmSync(runDir, { recursive: true, force: true });
  };
  process.once("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      stop();
      process.exit(signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143);
    });
  }
  const started = await run(["start"], env, (readyTimeoutS + 30) * 1000);
  const envFile = join(runDir, "localstack", "env");
  if (started.code !== 0 || !existsSync(envFile)) {
    stop();
    const reason = started.log
      .split("\n")
      .filter((l) => /error|timed out|not installed/i.test(l))
      .slice(0, 3)
      .join(" / ");
    throw new Error(
      `localstack.sh start failed (${started.signal ?? `exit ${started.code}`}): ${reason || "no reason logged"}`,
    );
  }
  const vars = {};
  for (const line of readFileSync(envFile, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return { env: vars, flavor: vars.LOCALSTACK_FLAVOR ?? "localstack", stop };
}
