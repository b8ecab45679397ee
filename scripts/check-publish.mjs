#!/usr/bin/env node
// Publishing checks on what npm would publish: packs every public package under packages/ (`npm pack`), then
// checks each tarball with publint (--strict: warnings fail) and @arethetypeswrong/cli (profile "strict":
// node10, node16 from CJS and from ESM, bundler; "CJS resolves to ESM", "FalseCJS", "FalseESM" and every other
// problem fail), and checks the tarball's contents: every file the exports map, main/module/types and bin name
// is inside, the README is inside, nothing but dist/, README, LICENSE and package.json is.
//
//   node scripts/check-publish.mjs [package-dir ...]      (after `npm run build`)
//
// The two tools are pinned below. They are taken from the workspace's node_modules when installed there, else
// installed once into ~/.cache/hf-secrets/publish-tools-<versions>.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TOOLS = { publint: "0.3.25", "@arethetypeswrong/cli": "0.18.5" };
// `<subpath>/package.json` stubs let node10-style resolution (no "exports") find a subpath export.
const ALLOWED_FILES = /^(package\.json|README\.md|LICENSE(\.\w+)?|dist\/.+|[\w-]+\/package\.json)$/;
const CONCURRENCY = 2;

const root = resolve(import.meta.dirname, "..");
const started = performance.now();

const only = process.argv.slice(2);
const packages = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
  .map((d) => ({
    dir: d.name,
    pkg: JSON.parse(readFileSync(join(root, "packages", d.name, "package.json"), "utf8")),
  }))
  .filter(({ dir, pkg }) => !pkg.private && (only.length === 0 || only.includes(dir)))
  .sort((a, b) => a.dir.localeCompare(b.dir));
if (only.length > 0 && packages.length !== only.length) {
  console.error(`check-publish: unknown or private package among ${only.join(", ")}`);
  process.exit(2);
}

const bins = await toolBins();
const out = mkdtempSync(join(tmpdir(), "hf-secrets-publish-"));
let results;
try {
  results = await pool(packages, CONCURRENCY, (entry) => check(entry, out));
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log("\npublish checks (npm pack → contents, publint --strict, attw --profile strict)");
console.log(`  ${"package".padEnd(28)} ${"size".padStart(8)}  contents  publint  attw   time`);
for (const r of results) {
  const mark = (ok) => (ok === undefined ? "-" : ok ? "ok" : "FAIL");
  console.log(
    `  ${r.name.padEnd(28)} ${r.size.padStart(8)}  ${mark(r.contents).padEnd(8)}  ${mark(r.publint).padEnd(7)}  ${mark(r.attw).padEnd(5)}  ${r.time} s`,
  );
  for (const problem of r.problems) console.log(`      - ${problem}`);
}
const failed = results.filter((r) => r.problems.length > 0).length;
console.log(`check-publish: ${results.length - failed} passed, ${failed} failed (${seconds(started)} s)`);
process.exitCode = failed > 0 ? 1 : 0;

async function check({ dir, pkg }, destination) {
  const step = performance.now();
  const result = {
    name: pkg.name,
    size: "-",
    problems: [],
    contents: undefined,
    publint: undefined,
    attw: undefined,
  };
  const fail = (message) => result.problems.push(message);
  const packed = await exec("npm", [
    "pack",
    "--json",
    "--pack-destination",
    destination,
    "-w",
    `packages/${dir}`,
  ]);
  if (packed.status !== 0) {
    fail(`npm pack failed: ${firstLine(packed.stderr)}`);
    return { ...result, time: seconds(step) };
  }
  for (const line of packed.stderr.split("\n")) if (/npm warn/i.test(line)) fail(`npm pack: ${line.trim()}`);
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0];
  const tarball = join(destination, info.filename);
  result.size = `${(info.size / 1024).toFixed(1)} kB`;

  const files = new Set(info.files.map((f) => f.path));
  const before = result.problems.length;
  for (const target of declaredFiles(pkg)) {
    if (!files.has(target))
      fail(`${target} is declared in package.json but not in the tarball (not built? run \`npm run build\`)`);
  }
  if (!files.has("README.md")) fail("the tarball has no README.md (the npm page would be empty)");
  const stray = [...files].filter((f) => !ALLOWED_FILES.test(f));
  if (stray.length > 0)
    fail(
      `unexpected files in the tarball: ${stray.slice(0, 5).join(", ")}${stray.length > 5 ? ", ..." : ""}`,
    );
  result.contents = result.problems.length === before;

  const lint = await exec(bins.publint, ["run", tarball, "--strict"]);
  const lintMessages = publintMessages(lint.stdout);
  result.publint = lint.status === 0 && lintMessages.length === 0;
  if (!result.publint) {
    if (lintMessages.length === 0)
      fail(`publint exited with ${lint.status}: ${firstLine(lint.stderr || lint.stdout)}`);
    for (const message of lintMessages) fail(`publint: ${message}`);
  }

  const types = await exec(bins.attw, [tarball, "--format", "json", "--profile", "strict"]);
  let analysis;
  try {
    analysis = JSON.parse(types.stdout).analysis;
  } catch {
    analysis = undefined;
  }
  const problems = analysis?.problems;
  result.attw = types.status === 0 && Array.isArray(problems) && problems.length === 0;
  if (!result.attw) {
    if (analysis?.types === false) fail("attw: the package ships no types");
    else if (!Array.isArray(problems))
      fail(`attw exited with ${types.status}: ${firstLine(types.stderr || types.stdout)}`);
    for (const p of problems ?? []) {
      fail(
        `attw: ${p.kind}${p.entrypoint ? ` at "${p.entrypoint}"` : ""}${p.resolutionKind ? ` (${p.resolutionKind})` : ""}`,
      );
    }
  }
  return { ...result, time: seconds(step) };
}

/** Every path package.json points into the package (exports targets, main, module, types, bin). */
function declaredFiles(pkg) {
  const targets = new Set();
  const walk = (node) => {
    if (typeof node === "string") {
      if (node.startsWith("./") && !node.includes("*")) targets.add(node.slice(2));
    } else if (node && typeof node === "object") {
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(pkg.exports);
  for (const field of ["main", "module", "types", "typings"])
    if (pkg[field]) walk(`./${pkg[field].replace(/^\.\//, "")}`);
  walk(
    typeof pkg.bin === "string"
      ? `./${pkg.bin.replace(/^\.\//, "")}`
      : Object.values(pkg.bin ?? {}).map((b) => `./${b.replace(/^\.\//, "")}`),
  );
  return [...targets];
}

/** The numbered messages under publint's "Suggestions:", "Warnings:" and "Errors:" headings. */
function publintMessages(stdout) {
  const messages = [];
  let section;
  for (const line of stdout.split("\n")) {
    const heading = /^(Suggestions|Warnings|Errors):\s*$/.exec(line.trim());
    if (heading) section = heading[1].toLowerCase().replace(/s$/, "");
    else if (section && /^\d+\.\s/.test(line.trim()))
      messages.push(`${section}: ${line.trim().replace(/^\d+\.\s*/, "")}`);
  }
  return messages;
}

async function toolBins() {
  const local = join(root, "node_modules", ".bin");
  const installedLocally = Object.entries(TOOLS).every(
    ([name, version]) => installedVersion(join(root, "node_modules", name)) === version,
  );
  let binDir = local;
  if (!installedLocally) {
    const { XDG_CACHE_HOME } = process.env;
    const cache = join(XDG_CACHE_HOME || join(homedir(), ".cache"), "hf-secrets");
    const prefix = join(
      cache,
      `publish-tools-${Object.entries(TOOLS)
        .map(([n, v]) => `${n.replace(/[@/]/g, "_")}-${v}`)
        .join("-")}`,
    );
    binDir = join(prefix, "node_modules", ".bin");
    if (!existsSync(join(binDir, "publint")) || !existsSync(join(binDir, "attw"))) {
      mkdirSync(prefix, { recursive: true });
      const specs = Object.entries(TOOLS).map(([name, version]) => `${name}@${version}`);
      console.log(`installing ${specs.join(" ")} into ${prefix}`);
      const install = await exec("npm", [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...specs,
      ]);
      if (install.status !== 0) {
        console.error(`check-publish: could not install the tools: ${install.stderr}`);
        process.exit(2);
      }
    }
  }
  return { publint: join(binDir, "publint"), attw: join(binDir, "attw") };
}

function installedVersion(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

function exec(command, args) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => resolveRun({ status: -1, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (status) => resolveRun({ status, stdout, stderr }));
  });
}

async function pool(items, size, worker) {
  const results = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
  return results;
}

function firstLine(text) {
  return text.trim().split("\n").find(Boolean) ?? "(no output)";
}

function seconds(start) {
  return ((performance.now() - start) / 1000).toFixed(1);
}
