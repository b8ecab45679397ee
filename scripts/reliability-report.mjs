#!/usr/bin/env node
// Renders docs/reliability.md from the JSON results the reliability suites write (integration-tests/faults,
// integration-tests/leaks, integration-tests/hostile and packages/*/test/hostile.property.test.ts). Nothing in the
// page is written by hand: a cell that did not run says so.
//
//   node scripts/reliability-report.mjs           render from $HF_SECRETS_RESULTS_DIR (default integration-tests/.results)
//   node scripts/reliability-report.mjs --run     run the suites first (emulators through integration-tests/run.sh,
//                                                 then the property tests), then render; exits 1 when a suite failed
//
// --run is bounded: each step is killed after its time limit, and the page then shows what did not finish.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const resultsDir = resolve(process.env.HF_SECRETS_RESULTS_DIR ?? join(root, "integration-tests/.results"));
const output = join(root, "docs/reliability.md");
const KEY_VAULT_NOT_RUN =
  "not run: no Key Vault emulator installable here (see [NOTES-keyvault-alternatives.md](../integration-tests/emulators/NOTES-keyvault-alternatives.md))";

/** One step of --run: a command, its time limit, and what it covers. */
const STEPS = [
  {
    id: "integration",
    title: "faults, leaks and hostile paths against LocalStack and kube-apiserver (integration-tests/run.sh)",
    command: "bash",
    args: [
      "integration-tests/run.sh",
      "integration-tests/faults",
      "integration-tests/leaks",
      "integration-tests/hostile",
    ],
    // HF_SECRETS_RELIABILITY lets integration-tests/vitest.config.ts keep these folders out of a plain
    // `npm run test:integration` (they run here instead) if it chooses to.
    env: {
      HF_SECRETS_EMULATORS: process.env.HF_SECRETS_EMULATORS ?? "localstack kubernetes",
      HF_SECRETS_RELIABILITY: "1",
    },
    limitMs: 12 * 60_000,
  },
  {
    id: "properties",
    title: "property and linear-time tests (packages/*/test/hostile.property.test.ts)",
    command: process.execPath,
    args: ["node_modules/vitest/vitest.mjs", "run", "hostile.property"],
    env: {},
    limitMs: 10 * 60_000,
  },
];

function runStep(step) {
  return new Promise((done) => {
    const started = Date.now();
    console.log(`\n[reliability] ${step.title}`);
    const child = spawn(step.command, step.args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ...step.env, HF_SECRETS_RESULTS_DIR: resultsDir },
      detached: true,
    });
    let timedOut = false;
    const stop = () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`[reliability] ${step.id}: over ${step.limitMs / 60_000} min, stopping it`);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 15_000).unref();
    }, step.limitMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done({ id: step.id, title: step.title, code, signal, timedOut, durationMs: Date.now() - started });
    });
  });
}

function readResults() {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => {
      try {
        return JSON.parse(readFileSync(join(resultsDir, name), "utf8"));
      } catch {
        return undefined;
      }
    })
    .filter(Boolean);
}

const mark = (ok) => (ok ? "✅" : "❌");
const cell = (text) =>
  String(text ?? "")
    .replaceAll("|", "\\|")
    .replaceAll("\n", " ");
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const table = (headers, rows) =>
  [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");

function failedChecks(result) {
  return (result.checks ?? [])
    .filter((c) => !c.ok)
    .map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ""}`);
}

function render(results, steps) {
  const by = (kind) => results.filter((r) => r.kind === kind);
  const meta = Object.fromEntries(by("meta").map((m) => [m.provider, m]));
  const cells = by("fault-cell");
  const extras = by("fault-extra");
  const watchFaults = by("watch-fault");
  const channels = by("leak-channel").sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const flows = by("leak-flows")[0];
  const debugModes = by("leak-debug-modes")[0];
  const properties = by("property");
  const linear = by("linear-time");
  const hostileCases = by("hostile-case");
  const paths = by("path-check");
  const echoes = by("echo-check");
  const all = [
    ...cells,
    ...extras,
    ...watchFaults,
    ...channels,
    ...properties,
    ...linear,
    ...hostileCases,
    ...paths,
    ...echoes,
  ];
  const failing = all.filter((r) => r.ok === false);
  const out = [];
  const push = (...lines) => out.push(...lines);

  push(
    "# Reliability and security report",
    "",
    "<!-- Generated by scripts/reliability-report.mjs from the results of the reliability suites. Do not edit: run `npm run test:faults`. -->",
    "",
    `Generated ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} by \`npm run test:faults\` on Node ${process.version} (${process.platform}/${process.arch}), from ${all.length} results the suites wrote. Every cell below is what a test observed; a cell that did not run says so.`,
    "",
  );
  if (steps.length > 0) {
    push(
      table(
        ["step", "result", "time"],
        steps.map((s) => [
          s.title,
          s.timedOut
            ? "❌ stopped (time limit)"
            : s.code === 0
              ? "✅ passed"
              : `❌ failed (exit ${s.code ?? s.signal})`,
          seconds(s.durationMs),
        ]),
      ),
      "",
    );
  }
  push(
    `**${all.length - failing.length} of ${all.length} checks hold; ${failing.length} fail** (each failing one is a finding; see [the open findings](#open-findings)).`,
    "",
  );

  // ---- faults ---------------------------------------------------------------------------------------------
  push("## Faults", "");
  push(
    "A fault proxy ([`startFaultProxy`](../packages/testing/src/fault-proxy.ts), `node:net`, 127.0.0.1) sits between the provider and a real server. Reset and truncation cut at 80 % of the bytes one cold read receives on a fresh connection (TLS handshake included), so they fall inside the response. **Cold**: the first read meets the fault. **Warm**: a value is cached, then the fault lasts 3 s (three TTLs); every call must get the cached value, flagged `stale` once the TTL passed, and the first refresh after the fault must end the stale period. Scenarios: [integration-tests/faults/harness.ts](../integration-tests/faults/harness.ts).",
    "",
  );
  const servers = [
    ["aws", meta.aws?.server ?? "AWS Secrets Manager: not run"],
    ["kubernetes", meta.kubernetes?.server ?? "Kubernetes API: not run"],
    ["azure", `Azure Key Vault: ${KEY_VAULT_NOT_RUN}`],
  ];
  for (const [, text] of servers) push(`- ${text}`);
  const cache = meta.aws?.cache ?? meta.kubernetes?.cache;
  if (cache) {
    push(
      `- cache: TTL ${cache.ttlMs} ms, per-attempt timeout ${cache.timeoutMs} ms, ${cache.retry.attempts} attempts per call (backoff ${cache.retry.baseDelayMs}–${cache.retry.maxDelayMs} ms, full jitter), background retries ${cache.backgroundRetry.baseDelayMs}–${cache.backgroundRetry.maxDelayMs} ms, maxStale ${cache.maxStaleMs / 1000} s`,
    );
  }
  push("");
  const faultRows = [
    ["refuse", "connection refused"],
    ["reset", "reset mid-response"],
    ["stall", "stall until the timeout"],
    ["slow", "slow body (160 bytes/s)"],
    ["truncate", "truncated body"],
    ["http-429", "HTTP 429 + Retry-After"],
    ["http-503", "HTTP 503 + Retry-After"],
  ];
  const cellText = (provider, fault, mode) => {
    const found = cells.find((c) => c.provider === provider && c.fault === fault && c.mode === mode);
    if (found)
      return `${mark(found.ok)} ${found.summary}${found.ok ? "" : ` — failed: ${failedChecks(found).join("; ")}`}`;
    if (provider === "kubernetes" && fault.startsWith("http"))
      return "n/a: HTTPS — the proxy injects TCP faults only";
    return "not run";
  };
  push(
    table(
      ["fault", "aws · cold", "aws · warm", "kubernetes · cold", "kubernetes · warm", "azure (Key Vault)"],
      faultRows.map(([id, label]) => [
        label,
        cellText("aws", id, "cold"),
        cellText("aws", id, "warm"),
        cellText("kubernetes", id, "cold"),
        cellText("kubernetes", id, "warm"),
        KEY_VAULT_NOT_RUN,
      ]),
    ),
    "",
  );
  push("### Retries, outages, changing values", "");
  push(
    extras.length === 0
      ? "Not run."
      : table(
          ["provider", "scenario", "result"],
          extras
            .sort((a, b) => `${a.provider}${a.title}`.localeCompare(`${b.provider}${b.title}`))
            .map((e) => [
              e.provider,
              e.title,
              `${mark(e.ok)} ${e.summary}${e.ok ? "" : ` — failed: ${failedChecks(e).join("; ")}`}`,
            ]),
        ),
    "",
  );
  push("### Kubernetes watch", "");
  push(
    "A cache with a one-hour TTL and `watch: true`: only the watch can bring a change. The Secret changes while the watch is down; after the fault the cache must hold the server's value, and the watch must settle (no reconnect loop).",
    "",
  );
  push(
    watchFaults.length === 0
      ? "Not run."
      : table(
          ["fault", "result"],
          watchFaults.map((w) => [
            w.title,
            `${mark(w.ok)} ${w.summary}${w.ok ? "" : ` — failed: ${failedChecks(w).join("; ")}`}`,
          ]),
        ),
    "",
  );

  // ---- leaks ------------------------------------------------------------------------------------------------
  push("## Leak canary", "");
  push(
    "One canary token (`makeTestToken()`) goes through every provider and `getHfClient()`, on success and failure paths ([integration-tests/leaks](../integration-tests/leaks/canary.test.ts)); then each channel is searched for it: plain, URL-encoded, base64 and base64url (also at byte offsets 1 and 2, as inside `Basic user:token`). Target: 0.",
    "",
  );
  if (channels.length === 0) push("Not run.", "");
  else {
    const total = channels.reduce((n, c) => n + c.occurrences, 0);
    push(
      table(
        ["channel", "items searched", "occurrences"],
        channels.map((c) => [
          c.label,
          c.items,
          `${mark(c.ok)} ${c.occurrences}${c.occurrences > 0 ? ` (${c.where.slice(0, 3).join("; ")})` : ""}`,
        ]),
      ),
      "",
      `Total occurrences: **${total}**.`,
      "",
    );
  }
  if (flows) {
    const perProvider = new Map();
    for (const f of flows.flows) {
      const entry = perProvider.get(f.provider) ?? { success: 0, failure: 0, bad: [] };
      entry[f.path]++;
      if (!f.ok) entry.bad.push(`${f.path}: ${f.what} (${f.note ?? "unexpected"})`);
      perProvider.set(f.provider, entry);
    }
    push(
      table(
        ["provider", "success paths", "failure paths", "behaved"],
        [...perProvider].map(([provider, e]) => [
          provider,
          e.success,
          e.failure,
          e.bad.length === 0 ? "✅ all" : `❌ ${e.bad.join("; ")}`,
        ]),
      ),
      "",
      "Each flow ran twice: in the test process and in a child process whose real stdout/stderr were captured.",
    );
    for (const s of flows.skipped ?? []) push(`- not run: ${s.provider} — ${s.reason}`);
    push("");
  }
  if (debugModes) {
    push(
      `SDK and runtime log modes in the child process (${Object.entries(flows?.childEnv ?? {})
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(", ")}, the AWS SDK client logger = \`console\`): ${Object.entries(debugModes.markers)
        .map(([k, v]) => `${k} ${v ? "wrote" : "**wrote nothing**"}`)
        .join(
          "; ",
        )} — ${debugModes.stdoutBytes} bytes of stdout and ${debugModes.stderrBytes} bytes of stderr searched. \`@kubernetes/client-node\` has no log mode.`,
      "",
    );
  }

  // ---- hostile input ------------------------------------------------------------------------------------------
  push("## Hostile input", "");
  push("### Property tests (fast-check)", "");
  push(
    properties.length === 0
      ? "Not run."
      : table(
          ["package", "property", "cases", "result"],
          properties
            .sort((a, b) => `${a.package}${a.id}`.localeCompare(`${b.package}${b.id}`))
            .map((p) => [
              p.package,
              p.title,
              p.runs.toLocaleString("en-US"),
              p.ok ? "✅" : `❌ counterexample: ${p.counterexample ?? "?"}`,
            ]),
        ),
    "",
  );
  if (properties.length > 0) {
    push(
      `${properties.reduce((n, p) => n + p.runs, 0).toLocaleString("en-US")} cases in all (\`HF_SECRETS_FC_RUNS\`=${process.env.HF_SECRETS_FC_RUNS ?? "10000"}; properties that write a file per case run a tenth of them, at least 500).`,
      "",
    );
  }
  push("### Linear time on 1 MiB", "");
  push(
    "Each input is timed at 128 KiB and 1 MiB (fastest of several runs); linear work gives about ×8, quadratic ×64, the bound is ×24. The YAML many-keys case compares a map of 100 000 keys with the same keys in one-key maps (same size): about ×1 when linear, bound ×3.",
    "",
  );
  push(
    linear.length === 0
      ? "Not run."
      : table(
          ["package", "input", "small", "1 MiB", "ratio"],
          linear
            .sort((a, b) => `${a.package}${a.id}`.localeCompare(`${b.package}${b.id}`))
            .map((l) => [
              l.package,
              l.title,
              typeof l.small === "number" ? `${l.small.toFixed(1)} ms` : (l.small ?? "—"),
              typeof l.large === "number" ? `${l.large.toFixed(1)} ms` : (l.large ?? "—"),
              l.ratio === undefined
                ? `${mark(l.ok)} ${l.error ?? ""}`
                : `${mark(l.ok)} ${typeof l.ratio === "number" ? `×${l.ratio.toFixed(1)}` : l.ratio}`,
            ]),
        ),
    "",
  );
  if (hostileCases.length > 0) {
    push(
      "### Other hostile inputs",
      "",
      table(
        ["package", "input", "result"],
        hostileCases.map((h) => [h.package, h.title, `${mark(h.ok)} ${h.outcome}`]),
      ),
      "",
    );
  }
  push("### Paths and permissions", "");
  push(
    "The rule: a path that leads outside the folder a provider is meant to read (`..`, a symlink) is refused, or followed only when configured; secret files readable by others are handled as documented (a `LOOSE_PERMISSIONS` warning, an error in strict mode). [integration-tests/hostile/paths.test.ts](../integration-tests/hostile/paths.test.ts)",
    "",
  );
  push(
    paths.length === 0
      ? "Not run."
      : table(
          ["provider", "case", "configured by", "rule", "observed"],
          paths.map((p) => [p.provider, p.what, p.configured, p.expected, `${mark(p.ok)} ${p.observed}`]),
        ),
    "",
  );
  push("### A token pasted in the wrong place", "");
  push(
    "The configuration must be refused without repeating the token (errors reach logs and bug reports). [integration-tests/hostile/pasted-token.test.ts](../integration-tests/hostile/pasted-token.test.ts)",
    "",
  );
  push(
    echoes.length === 0
      ? "Not run."
      : table(
          ["case", "error", "token in the error"],
          echoes.map((e) => [
            e.what,
            e.outcome,
            `${mark(e.ok)} ${e.occurrences}${e.message && !e.ok ? ` — ${e.message}` : ""}`,
          ]),
        ),
    "",
  );

  // ---- findings -------------------------------------------------------------------------------------------
  push("## Open findings", "");
  if (failing.length === 0) push("None: every check holds.", "");
  else {
    for (const f of failing) {
      const title =
        f.title ?? f.what ?? f.label ?? `${f.provider ?? ""} ${f.fault ?? ""} ${f.mode ?? ""}`.trim();
      const detail =
        failedChecks(f).join("; ") ||
        (f.kind === "linear-time"
          ? (f.error ?? `${typeof f.ratio === "number" ? `×${f.ratio.toFixed(1)}` : f.ratio} (${f.large})`)
          : "") ||
        (f.kind === "path-check" ? `rule: ${f.expected}; observed: ${f.observed}` : "") ||
        (f.kind === "echo-check"
          ? `${f.outcome}; the token appears ${f.occurrences} times in the error: ${f.message ?? ""}`
          : "") ||
        f.observed ||
        f.outcome ||
        f.summary ||
        (f.occurrences ? `${f.occurrences} occurrences` : "");
      push(`- **${f.kind}** \`${f.id}\`: ${title}${detail ? ` — ${detail}` : ""}`);
    }
    push("");
  }
  push(
    "## Reproduce",
    "",
    "```sh",
    "npm run build",
    "npm run test:faults        # node scripts/reliability-report.mjs --run",
    "```",
    "",
    `Results: \`${relative(root, resultsDir) || resultsDir}\` (one JSON file per check).`,
    "",
  );
  return `${out.join("\n")}\n`;
}

const run = process.argv.includes("--run");
if (run) {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  for (const step of STEPS) {
    const result = await runStep(step);
    writeFileSync(
      join(resultsDir, `run-step--${step.id}.json`),
      JSON.stringify({ kind: "run-step", ...result }),
    );
  }
}
const results = readResults();
const steps = results.filter((r) => r.kind === "run-step");
writeFileSync(
  output,
  render(
    results.filter((r) => r.kind !== "run-step"),
    steps,
  ),
);
console.log(`[reliability] wrote ${relative(root, output)}`);
if (steps.some((s) => s.code !== 0 || s.timedOut)) process.exitCode = 1;
