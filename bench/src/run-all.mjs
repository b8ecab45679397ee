// Runs every benchmark section in its own node process (one process per comparison), bounded in time, then prints
// a summary and writes docs/benchmarks.md. `node src/run-all.mjs [section ...]` runs only the named sections
// (printed only: docs/benchmarks.md is written by full runs).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCALSTACK_SCRIPT } from "./lib/localstack.mjs";
import { renderConsole, renderMarkdown } from "./report.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const REPORT = join(ROOT, "docs", "benchmarks.md");
const REAL_SECONDS = Number(process.env.HF_BENCH_REAL_SECONDS ?? 60);

// Sections in order; a group runs its members concurrently (only sections whose figures do not depend on wall
// time or CPU share: the fleet runs in virtual time, the footprint counts bytes).
const PLAN = [
  [{ id: "hot-path", script: "hot-path.mjs", timeoutS: 240 }],
  [{ id: "single-flight", script: "single-flight.mjs", timeoutS: 90 }],
  [{ id: "cold-start", script: "cold-start.mjs", timeoutS: 240 }],
  [
    {
      id: "real-backend",
      script: "real-backend.mjs",
      timeoutS: 150 + 4 * (REAL_SECONDS + 40),
      localstack: true,
    },
  ],
  [
    { id: "fleet", script: "fleet.mjs", timeoutS: 240 },
    { id: "footprint", script: "footprint.mjs", timeoutS: 300 },
  ],
];

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function machine() {
  const cpus = os.cpus();
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "packages"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (dirty) commit += " (with uncommitted changes under packages/)";
  } catch {
    // Not a git checkout: leave "unknown".
  }
  return {
    cpuModel: cpus[0]?.model?.trim() ?? "unknown",
    cores: cpus.length,
    parallelism: os.availableParallelism?.() ?? cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    loadStart: os.loadavg()[0].toFixed(2),
  };
}

/** Packages whose dist is older than their src: the bench would measure stale code. */
function staleBuilds() {
  const newest = (dir) => {
    let max = 0;
    if (!existsSync(dir)) return 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return max;
  };
  const warnings = [];
  for (const pkg of readdirSync(join(ROOT, "packages"))) {
    const src = newest(join(ROOT, "packages", pkg, "src"));
    const dist = newest(join(ROOT, "packages", pkg, "dist"));
    if (src > 0 && dist > 0 && src > dist)
      warnings.push(
        `packages/${pkg}: dist/ is older than src/ (run \`npm run build\`): its figures are for the last build.`,
      );
  }
  return warnings;
}

function canUnshare() {
  if (process.env.HF_BENCH_NO_NETNS === "1") return false;
  const r = spawnSync("unshare", ["--net", "--fork", "--kill-child", "--", "true"], {
    stdio: "ignore",
    timeout: 10_000,
  });
  return r.status === 0;
}

function prepareLocalStack() {
  if (!existsSync(LOCALSTACK_SCRIPT)) return `${LOCALSTACK_SCRIPT} not found`;
  log("checking LocalStack (integration-tests/emulators/localstack.sh install; cached after the first time)");
  const r = spawnSync("bash", [LOCALSTACK_SCRIPT, "install"], {
    encoding: "utf8",
    timeout: 240_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.status === 0) return undefined;
  const reason = `${r.stderr ?? ""}${r.stdout ?? ""}`
    .split("\n")
    .filter((l) => /error/i.test(l))
    .slice(0, 2)
    .join(" / ");
  return `localstack.sh install ${r.signal ? `timed out (${r.signal})` : `exited ${r.status}`}${reason ? `: ${reason}` : ""}`;
}

// Children run in their own process groups (so a timeout can stop a whole section); forward Ctrl-C and SIGTERM.
const running = new Set();
let outDir;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const pid of running) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

function runSection(section, outDir) {
  return new Promise((resolve) => {
    const resultFile = join(outDir, `${section.id}.json`);
    const env = { ...process.env, HF_BENCH_RESULT: resultFile };
    let command = process.execPath;
    let args = [join(HERE, section.script)];
    if (section.localstack) {
      const unavailable = prepareLocalStack();
      if (unavailable) env.HF_BENCH_LOCALSTACK_UNAVAILABLE = unavailable;
      else if (canUnshare()) {
        // A network namespace with loopback only: nothing the emulator opens is reachable from outside.
        command = "unshare";
        args = ["--net", "--fork", "--kill-child=SIGTERM", "--", process.execPath, ...args];
        env.HF_BENCH_NETNS = "1";
      }
    }
    const started = performance.now();
    log(`${section.id}: starting (limit ${section.timeoutS} s)`);
    const child = spawn(command, args, {
      cwd: join(HERE, ".."),
      env,
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    running.add(child.pid);
    const stderrTail = [];
    let buffer = "";
    child.stderr.on("data", (chunk) => {
      buffer += chunk;
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith("[bench:")) process.stderr.write(`${line}\n`);
        else {
          stderrTail.push(line);
          if (stderrTail.length > 30) stderrTail.shift();
        }
        nl = buffer.indexOf("\n");
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${section.id}: over its ${section.timeoutS} s limit, stopping it`);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, 20_000).unref();
    }, section.timeoutS * 1000);
    child.on("close", (code, signal) => {
      running.delete(child.pid);
      clearTimeout(timer);
      const ms = performance.now() - started;
      let result;
      if (existsSync(resultFile)) {
        result = JSON.parse(readFileSync(resultFile, "utf8"));
      } else {
        const reason = timedOut
          ? `stopped after its ${section.timeoutS} s limit`
          : `exited ${signal ?? code} without a result`;
        const lastError = stderrTail
          .filter((l) => /error/i.test(l))
          .slice(-2)
          .join(" / ");
        result = {
          id: section.id,
          title: titleOf(section.id),
          error: `${reason}${lastError ? ` (${lastError.trim()})` : ""}`,
          tables: [],
          targets: [],
        };
        if (stderrTail.length) log(`${section.id} stderr (last lines):\n${stderrTail.slice(-15).join("\n")}`);
      }
      log(`${section.id}: done in ${(ms / 1000).toFixed(1)} s`);
      resolve({ result, ms });
    });
  });
}

function titleOf(id) {
  return (
    {
      "hot-path": "1. Hot path: a cached hit",
      "single-flight": "2. Single-flight: concurrent cold gets",
      "real-backend": "3. Against a real backend (LocalStack Secrets Manager)",
      "cold-start": "4a. Cold start: import and first token, a fresh process per sample",
      footprint: "4b. Footprint: bytes installed per package",
      fleet: "5. Fleet simulation (virtual time) and monthly API cost",
    }[id] ?? id
  );
}

async function main() {
  const only = new Set(process.argv.slice(2));
  const known = new Set(PLAN.flat().map((s) => s.id));
  for (const id of only)
    if (!known.has(id)) throw new Error(`unknown section "${id}"; known: ${[...known].join(", ")}`);
  if (!existsSync(join(ROOT, "packages", "core", "dist", "index.js"))) {
    throw new Error("packages/core is not built: run `npm run build` at the repository root first.");
  }
  const meta = { ...machine(), warnings: staleBuilds(), sectionTimes: [] };
  outDir = mkdtempSync(join(os.tmpdir(), "hf-secrets-bench-"));
  const started = performance.now();
  const results = [];
  try {
    for (const group of PLAN) {
      const members = group.filter((s) => only.size === 0 || only.has(s.id));
      const done = await Promise.all(members.map((s) => runSection(s, outDir)));
      members.forEach((s, i) => {
        results.push(done[i].result);
        meta.sectionTimes.push([s.id, done[i].ms]);
      });
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  meta.durationMs = performance.now() - started;
  meta.loadEnd = os.loadavg()[0].toFixed(2);
  const busiest = Math.max(Number(meta.loadStart), Number(meta.loadEnd));
  if (busiest > meta.cores) {
    meta.warnings.push(
      `The machine was busy with other work (1-min load average up to ${busiest.toFixed(1)} on ${meta.cores} cores): wall-clock figures (cold start, latencies) carry that noise. Ratios measured in one process, call counts and the simulation are not affected.`,
    );
  }
  if (only.size > 0) {
    // A partial run never replaces the full report.
    meta.warnings.push(`Partial run: only ${[...only].join(", ")}; docs/benchmarks.md was not written.`);
    process.stdout.write(`${renderConsole(meta, results)}\n`);
    return;
  }
  writeFileSync(REPORT, renderMarkdown(meta, results));
  process.stdout.write(
    `${renderConsole(meta, results)}\n\nWrote ${REPORT} in ${(meta.durationMs / 60_000).toFixed(1)} min.\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`[bench] ${error?.message ?? error}\n`);
  process.exit(1);
});
