import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { format } from "node:util";
import { makeTestToken } from "@hf-secrets/testing";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Checks, record } from "../faults/results.js";
import { Collector, type FlowRecord } from "./collector.js";
import { envLeaks, loadOptionalModules, runAllFlows } from "./flows.js";

// ONE leak-canary suite: a canary token goes through every provider (env, dotenv, hf-cli, AWS on LocalStack,
// Kubernetes volume + API on kube-apiserver, Azure on the unit-level fake Key Vault) and through getHfClient()
// against the fake HF server, on success and failure paths. Then every channel is searched for it (plain,
// base64/base64url at any alignment, URL-encoded): this process's stdout/stderr and console, every event, every
// error (message, stack, cause chain, aggregated errors), util.inspect (showHidden, depth Infinity), JSON and
// String() of every public object, process.env, process.report.getReport(), the SDKs' log modes — and the same
// scenarios again in a child process whose real stdout/stderr are captured. Target: 0 occurrences everywhere.

const canary = makeTestToken();
const collector = new Collector();
const skipped: Array<{ provider: string; reason: string }> = [];
type Counts = ReturnType<Collector["count"]>;
let inProcess: Counts = {};
let child:
  | { counts: Counts; flows: FlowRecord[]; skipped: Array<{ provider: string; reason: string }> }
  | undefined;
let childOutput = { stdout: "", stderr: "", exitCode: -1 as number | null };
const envBefore = new Set(Object.keys(process.env));

const CHILD_ENV = {
  AZURE_LOG_LEVEL: "verbose",
  NODE_DEBUG: "http,net,tls,undici,fetch",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/** Captures this process's stdout, stderr and console while `run` runs (nothing is passed through). */
async function capturingOutput(run: () => Promise<void>): Promise<void> {
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  process.stdout.write = ((chunk: unknown) => {
    collector.text("stdout", "process.stdout.write", String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => {
    collector.text("stderr", "process.stderr.write", String(chunk));
    return true;
  }) as typeof process.stderr.write;
  for (const m of methods)
    console[m] = (...args: unknown[]) => collector.text("console", `console.${m}`, format(...args));
  // One probe through each channel proves the capture works (the SDK itself writes nothing).
  process.stdout.write("[capture probe]\n");
  process.stderr.write("[capture probe]\n");
  console.log("[capture probe]");
  try {
    await run();
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    methods.forEach((m, i) => {
      console[m] = saved[i]!;
    });
  }
}

async function runChild(): Promise<void> {
  const dir = resolve("node_modules/.cache/hf-secrets-leaks");
  await mkdir(dir, { recursive: true });
  const script = join(dir, "child.mjs");
  const resultFile = join(dir, `child-result-${process.pid}.json`);
  await build({
    entryPoints: [resolve("integration-tests/leaks/child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: script,
    logLevel: "silent",
  });
  const proc = spawn(process.execPath, [script, resultFile], {
    env: { ...process.env, ...CHILD_ENV },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  proc.stdout.on("data", (c: Buffer) => out.push(c));
  proc.stderr.on("data", (c: Buffer) => err.push(c));
  proc.stdin.end(canary);
  const exitCode = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 120_000);
    proc.on("close", (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
  childOutput = {
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
    exitCode,
  };
  child = JSON.parse(await readFile(resultFile, "utf8")) as typeof child;
  await rm(resultFile, { force: true });
}

beforeAll(async () => {
  const modules = await loadOptionalModules();
  await capturingOutput(() => runAllFlows({ canary, collector, modules, skipped, sdkLogs: "collector" }));
  const added = Object.keys(process.env).filter((key) => !envBefore.has(key));
  collector.text("process.env", "process.env (every value)", JSON.stringify(process.env));
  collector.text("process.env", "keys added by the SDK", added.join(","));
  collector.text("process.report", "process.report.getReport()", JSON.stringify(process.report.getReport()));
  inProcess = collector.count(canary);
  await runChild();
}, 240_000);

afterAll(() => {
  const flows = [
    ...collector.flows.map((f) => ({ ...f, process: "test process" })),
    ...(child?.flows ?? []).map((f) => ({ ...f, process: "child process" })),
  ];
  record("leak-flows", "flows", {
    canaryLength: canary.length,
    flows,
    skipped: [...skipped, ...(child?.skipped ?? [])],
    childEnv: CHILD_ENV,
    childExitCode: childOutput.exitCode,
  });
});

/** The channels searched, with how they were captured. Each must have been fed and must hold no canary. */
const CHANNELS: Array<{
  id: string;
  label: string;
  counts: () => Counts[string] | undefined;
  optional?: boolean;
}> = [
  {
    id: "stdout",
    label: "stdout of the test process (process.stdout.write)",
    counts: () => inProcess.stdout ?? { items: 0, occurrences: 0, byForm: {}, where: [] },
  },
  {
    id: "stderr",
    label: "stderr of the test process (process.stderr.write)",
    counts: () => inProcess.stderr ?? { items: 0, occurrences: 0, byForm: {}, where: [] },
  },
  {
    id: "console",
    label: "console.* of the test process",
    counts: () => inProcess.console ?? { items: 0, occurrences: 0, byForm: {}, where: [] },
  },
  { id: "events", label: "every emitted event (cache and client)", counts: () => inProcess.events },
  {
    id: "errors",
    label: "every error: message, stack, cause chain, aggregated errors, inspect, JSON",
    counts: () => inProcess.errors,
  },
  {
    id: "util.inspect",
    label: "util.inspect(showHidden, depth Infinity) of providers, caches, values, clients",
    counts: () => inProcess["util.inspect"],
  },
  {
    id: "JSON.stringify",
    label: "JSON.stringify (and of a spread copy) of the same objects",
    counts: () => inProcess["JSON.stringify"],
  },
  { id: "String()", label: "String() of the same objects", counts: () => inProcess["String()"] },
  {
    id: "process.env",
    label: "process.env after the flows (and keys the SDK added)",
    counts: () => inProcess["process.env"],
  },
  { id: "process.report", label: "process.report.getReport()", counts: () => inProcess["process.report"] },
  {
    id: "aws-sdk logger",
    label: "AWS SDK v3 log mode: a client logger at every level (clientConfig.logger and an injected client)",
    counts: () => inProcess["aws-sdk logger"],
  },
  {
    id: "azure-sdk logger",
    label: 'Azure SDK log mode: @azure/logger setLogLevel("verbose"), AzureLogger.log captured',
    counts: () => inProcess["azure-sdk logger (verbose)"],
    optional: true,
  },
  {
    id: "child stdout",
    label: `child process: real stdout (fd 1), with the AWS SDK logger = console, ${Object.entries(CHILD_ENV)
      .slice(0, 2)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
    counts: () => ({
      items: 1,
      occurrences: countAll(childOutput.stdout),
      byForm: {},
      where: [`${childOutput.stdout.length} bytes`],
    }),
  },
  {
    id: "child stderr",
    label: "child process: real stderr (fd 2), same settings",
    counts: () => ({
      items: 1,
      occurrences: countAll(childOutput.stderr),
      byForm: {},
      where: [`${childOutput.stderr.length} bytes`],
    }),
  },
  {
    id: "child events+errors+objects",
    label: "child process: events, errors, inspect/JSON/String of objects",
    counts: () => merge(child?.counts, ["events", "errors", "util.inspect", "JSON.stringify", "String()"]),
  },
  {
    id: "child process.env+report",
    label: "child process: process.env and process.report.getReport()",
    counts: () => merge(child?.counts, ["process.env", "process.report"]),
  },
];

function countAll(text: string): number {
  const probe = new Collector();
  probe.text("x", "x", text);
  return probe.count(canary).x?.occurrences ?? 0;
}

function merge(counts: Counts | undefined, channels: string[]): Counts[string] | undefined {
  if (!counts) return undefined;
  const parts = channels.map((c) => counts[c]).filter((c) => c !== undefined);
  return {
    items: parts.reduce((n, p) => n + p.items, 0),
    occurrences: parts.reduce((n, p) => n + p.occurrences, 0),
    byForm: Object.assign({}, ...parts.map((p) => p.byForm)),
    where: parts.flatMap((p) => p.where),
  };
}

describe("leak canary: the search itself", () => {
  it("finds the canary in every form it can take inside other text (so a 0 means something)", () => {
    const probe = new Collector();
    const embedded = {
      plain: `Authorization: Bearer ${canary}`,
      "base64 (Basic auth)": `Basic ${Buffer.from(`user:${canary}`).toString("base64")}`,
      "base64 (offset 0)": Buffer.from(`${canary}xyz`).toString("base64"),
      "base64 (offset 2)": Buffer.from(`ab${canary}`).toString("base64"),
      base64url: Buffer.from(`{"t":"${canary}"}`).toString("base64url"),
      "url-encoded": `?token=${encodeURIComponent(`${canary}/`)}`,
    };
    for (const [label, text] of Object.entries(embedded)) probe.text(label, label, text);
    const counts = probe.count(canary);
    expect(
      Object.fromEntries(Object.keys(embedded).map((k) => [k, (counts[k]?.occurrences ?? 0) > 0])),
    ).toEqual(Object.fromEntries(Object.keys(embedded).map((k) => [k, true])));
  });
});

describe("leak canary: every provider and getHfClient, success and failure paths", () => {
  it("ran every flow, each behaving as expected (values returned, failures failing)", () => {
    const checks = new Checks();
    const flows = [...collector.flows, ...(child?.flows ?? [])];
    checks.that(
      "the child process exited cleanly",
      childOutput.exitCode === 0,
      `exit ${childOutput.exitCode}`,
    );
    checks.that(
      "flows ran in both processes",
      collector.flows.length > 20 && (child?.flows.length ?? 0) === collector.flows.length,
    );
    for (const flow of flows.filter((f) => !f.ok))
      checks.that(`${flow.provider}: ${flow.path}: ${flow.what}`, false, flow.note);
    const providers = new Set(flows.map((f) => f.provider));
    for (const needed of ["env", "aws", "kubernetes (volume)", "kubernetes (API)", "getHfClient"]) {
      checks.that(`${needed} ran`, providers.has(needed));
    }
    checks.that(
      "both success and failure paths ran for every provider",
      [...providers].every(
        (p) =>
          flows.some((f) => f.provider === p && f.path === "success") &&
          flows.some((f) => f.provider === p && f.path === "failure"),
      ),
    );
    checks.assertAll();
  });

  for (const [order, channel] of CHANNELS.entries()) {
    it(`${channel.id}: 0 occurrences`, () => {
      const counts = channel.counts();
      const fed = counts !== undefined && counts.items > 0;
      const ok = (fed || channel.optional === true) && (counts?.occurrences ?? 0) === 0;
      record("leak-channel", channel.id, {
        channel: channel.id,
        order,
        label: channel.label,
        items: counts?.items ?? 0,
        occurrences: counts?.occurrences ?? 0,
        byForm: counts?.byForm ?? {},
        where: counts?.where ?? [],
        ok,
      });
      if (!channel.optional) expect(fed, `${channel.id} was never fed`).toBe(true);
      expect(counts?.occurrences ?? 0, `${channel.id}: ${counts?.where.join("; ")}`).toBe(0);
    });
  }

  it("the child's debug modes really wrote (so its empty-of-canary output means something)", () => {
    const markers = {
      "NODE_DEBUG (http/net/tls/undici)": /^(HTTP|NET|TLS|UNDICI|FETCH) \d+:/m.test(childOutput.stderr),
      "AZURE_LOG_LEVEL=verbose (@azure/logger)": /azure:/.test(childOutput.stderr),
      "AWS SDK logger = console": /GetSecretValueCommand/.test(childOutput.stdout + childOutput.stderr),
    };
    record("leak-debug-modes", "child", {
      stdoutBytes: childOutput.stdout.length,
      stderrBytes: childOutput.stderr.length,
      markers,
    });
    expect(markers).toEqual(Object.fromEntries(Object.keys(markers).map((k) => [k, true])));
  });

  it("the SDK never added the canary to process.env", () => {
    expect(envLeaks(canary)).toEqual([]);
  });
});
