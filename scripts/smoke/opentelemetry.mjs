#!/usr/bin/env node
// Packed-tarball check of @hf-secrets/opentelemetry's optional peer: installed without @opentelemetry/api, the
// package imports (ESM and CJS), instrument() with injected providers works, and instrument() without them
// throws PROVIDER_NOT_INSTALLED naming the package; after `npm install @opentelemetry/api` (the version the
// package's tests pin) instrument() works through the API's global providers.
//
//   node scripts/smoke/opentelemetry.mjs      (after `npm run build`)
import { join } from "node:path";
import {
  cleanEnv,
  cleanup,
  devPin,
  npmInstall,
  pack,
  run,
  seconds,
  tempDir,
  tempProject,
  write,
} from "./lib.mjs";

const started = performance.now();
const results = [];

// The same checks from ESM and CJS; argv[2] says whether the API is expected to be installed.
const body = `
const expectApi = process.argv[2] === "with-api";
const provider = cached(createProviderStub());
const noop = () => {};
const tracerProvider = { getTracer: () => ({ startSpan: () => ({ end: noop, setStatus: noop, recordException: noop }) }) };
const meterProvider = { getMeter: () => ({ createCounter: () => ({ add: noop }), createHistogram: () => ({ record: noop }) }) };
instrument(provider.events, { tracerProvider, meterProvider })();
let outcome;
try {
  instrument(provider.events)();
  outcome = "instrumented";
} catch (error) {
  outcome = error.code === "PROVIDER_NOT_INSTALLED" && error.message.includes('"@opentelemetry/api"') ? "named-missing-api" : "other: " + error.message;
}
const expected = expectApi ? "instrumented" : "named-missing-api";
if (outcome !== expected) { console.error("expected " + expected + ", got " + outcome); process.exit(1); }
console.log("ok");

function createProviderStub() {
  return { name: "stub", getSecret: async () => { throw new Error("not called"); } };
}
`;
const ESM = `import { cached } from "@hf-secrets/core";\nimport { instrument } from "@hf-secrets/opentelemetry";\n${body}`;
const CJS = `const { cached } = require("@hf-secrets/core");\nconst { instrument } = require("@hf-secrets/opentelemetry");\n${body}`;

try {
  let step = performance.now();
  const tarballs = pack(["core", "opentelemetry"], tempDir("tarballs"));
  const project = tempProject("otel-smoke");
  npmInstall(project, [tarballs.core.file, tarballs.opentelemetry.file]);
  write(join(project, "check.mjs"), ESM);
  write(join(project, "check.cjs"), CJS);
  console.log(`packed and installed without @opentelemetry/api (${seconds(step)} s)`);
  const env = cleanEnv();
  const runCase = (label, file, mode) => {
    const t = performance.now();
    const out = run(process.execPath, [file, mode], { cwd: project, env, allowFailure: true });
    const ok = out.status === 0 && out.stdout.trim() === "ok";
    const problems = ok ? [] : [`exit ${out.status}: ${(out.stderr || out.stdout).trim().split("\n")[0]}`];
    results.push({ label, ok, problems, time: seconds(t) });
  };
  runCase("ESM, no API", "check.mjs", "without-api");
  runCase("CJS, no API", "check.cjs", "without-api");

  step = performance.now();
  npmInstall(project, [`@opentelemetry/api@${devPin("opentelemetry", "@opentelemetry/api")}`]);
  console.log(`installed @opentelemetry/api (${seconds(step)} s)`);
  runCase("ESM, with API", "check.mjs", "with-api");
  runCase("CJS, with API", "check.cjs", "with-api");
} catch (error) {
  results.push({ label: "setup", ok: false, problems: [error.message], time: "-" });
} finally {
  cleanup();
}

console.log("\n@hf-secrets/opentelemetry packed: the optional @opentelemetry/api peer");
for (const r of results) {
  console.log(`  ${r.ok ? "PASS" : "FAIL"}  ${r.label.padEnd(14)} ${r.time} s`);
  for (const problem of r.problems) console.log(`        - ${problem}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(
  `opentelemetry smoke: ${results.length - failed} passed, ${failed} failed (${seconds(started)} s)`,
);
process.exitCode = failed > 0 ? 1 : 0;
