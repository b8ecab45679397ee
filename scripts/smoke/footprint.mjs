#!/usr/bin/env node
// Install footprint: installing a cloud provider package pulls no other cloud's SDK. For each provider given
// (default: aws), packs @hf-secrets/core + the provider, installs them with the provider's SDK peers (the
// versions its devDependencies pin) into a throwaway project outside the repository, and checks the lockfile's
// "packages" keys. Also loads the installed provider from ESM and CJS.
//
//   node scripts/smoke/footprint.mjs [aws] [azure] [kubernetes]      (after `npm run build`)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  cleanup,
  devPin,
  npmInstall,
  pack,
  readPackage,
  run,
  seconds,
  tempDir,
  tempProject,
} from "./lib.mjs";

/** Each cloud provider package, the SDK scopes that are its own, and so the ones it must never pull. */
const CLOUDS = {
  aws: ["@aws-sdk/", "@smithy/"],
  azure: ["@azure/", "@azure-rest/"],
  kubernetes: ["@kubernetes/"],
};

const started = performance.now();
const wanted = process.argv.slice(2);
const targets = wanted.length > 0 ? wanted : ["aws"];
const results = [];

for (const target of targets) {
  const step = performance.now();
  const problems = [];
  let detail = "";
  try {
    if (!Object.hasOwn(CLOUDS, target))
      throw new Error(`unknown provider "${target}" (${Object.keys(CLOUDS).join(", ")})`);
    const tarballs = pack(["core", target], tempDir("tarballs"));
    const peers = Object.keys(readPackage(target).peerDependencies ?? {}).filter(
      (p) => !p.startsWith("@hf-secrets/"),
    );
    const peerSpecs = peers.map((peer) => `${peer}@${devPin(target, peer)}`);
    const project = tempProject(`footprint-${target}`);
    npmInstall(project, [tarballs.core.file, tarballs[target].file, ...peerSpecs]);

    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
    const installed = Object.keys(lock.packages ?? {})
      .filter((key) => key.includes("node_modules/"))
      .map((key) => key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length));
    if (installed.length === 0) problems.push("the lockfile lists no installed package");
    const forbidden = Object.entries(CLOUDS)
      .filter(([cloud]) => cloud !== target)
      .flatMap(([, scopes]) => scopes);
    const intruders = [
      ...new Set(installed.filter((name) => forbidden.some((scope) => name.startsWith(scope)))),
    ];
    if (intruders.length > 0) problems.push(`pulls other clouds' packages: ${intruders.sort().join(", ")}`);
    for (const peer of peers) {
      if (!installed.includes(peer)) problems.push(`the peer ${peer} was not installed`);
    }

    const name = tarballs[target].name;
    for (const [label, args] of [
      [
        "ESM",
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(name)}); if (!m.hfSecretsProvider) process.exit(3);`,
        ],
      ],
      [
        "CJS",
        ["-e", `const m = require(${JSON.stringify(name)}); if (!m.hfSecretsProvider) process.exit(3);`],
      ],
    ]) {
      const out = run(process.execPath, args, { cwd: project, allowFailure: true });
      if (out.status !== 0)
        problems.push(
          `${label} load of ${name} failed (exit ${out.status}): ${out.stderr.trim().split("\n")[0]}`,
        );
    }
    const scopes = new Map();
    for (const pkg of installed) {
      const scope = pkg.startsWith("@") ? pkg.split("/")[0] : "(unscoped)";
      scopes.set(scope, (scopes.get(scope) ?? 0) + 1);
    }
    detail = `${installed.length} packages: ${[...scopes]
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s} ${n}`)
      .join(", ")}`;
  } catch (error) {
    problems.push(error.message);
  }
  results.push({ target, ok: problems.length === 0, problems, detail, time: seconds(step) });
  cleanup();
}

console.log("install footprint (packed @hf-secrets/core + provider + its SDK peers; lockfile checked)");
for (const r of results) {
  console.log(`  ${r.ok ? "PASS" : "FAIL"}  @hf-secrets/${r.target.padEnd(11)} ${r.time} s  ${r.detail}`);
  for (const problem of r.problems) console.log(`        - ${problem}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`footprint: ${results.length - failed} passed, ${failed} failed (${seconds(started)} s)`);
process.exitCode = failed > 0 ? 1 : 0;
