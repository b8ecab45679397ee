#!/usr/bin/env node
// Validates everything under examples/ and the non-TypeScript snippets of docs/snippets/ that the docs show:
//   1. every hf-secrets config (examples/**/hf-secrets.config.json, docs/snippets/**/*.config.json): core's
//      validateConfig, then resolveEnvironment() for each of its environments (provider packages imported,
//      provider options checked, policy applied; nothing is read from a backend);
//   2. the TypeScript examples: `tsc -p examples/<name>/tsconfig.json`;
//   3. Compose files with compose-go, the loader of `docker compose config` (built from the Go module proxy,
//      cached), because this machine's docker CLI has no compose plugin;
//   4. Dockerfiles: `hf-secrets scan` finds nothing, and the doctor's Dockerfile check passes in each folder
//      (a control Dockerfile with `ARG HF_TOKEN` must fail it, so the check is known to work);
//   5. GitHub Actions workflows with actionlint (Go module proxy, cached), other YAML/JSON files by parsing;
//   6. Kubernetes manifests: rendered with `kubectl kustomize` (offline) and checked for kind/name. The full
//      check is a server-side dry run against a real kube-apiserver: integration-tests/examples/.
// Usage: node scripts/docs/check-examples.mjs [--no-typecheck]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const root = resolve(import.meta.dirname, "../..");
const typecheck = !process.argv.includes("--no-typecheck");
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hf-secrets", "tools");
const ACTIONLINT_VERSION = "1.7.12";

const problems = [];
const passed = [];
const rel = (path) => relative(root, path);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry === ".vitepress") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    encoding: "utf8",
    input: "",
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) return { status: -1, stdout: "", stderr: result.error.message };
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const files = [...walk(join(root, "examples")), ...walk(join(root, "docs", "snippets"))];

// 1. Configs.
const { resolveEnvironment, validateConfig } = await import("@hf-secrets/core");
const configs = files.filter((f) => /(^|[./-])hf-secrets\.config\.json$|\.config\.json$/.test(basename(f)));
for (const file of configs) {
  try {
    const config = validateConfig(JSON.parse(readFileSync(file, "utf8")), file);
    const names = Object.keys(config.environments);
    for (const environment of names) {
      // An empty environment: validity must not depend on the caller's variables.
      const resolved = await resolveEnvironment({ config: file, environment, env: {}, cwd: dirname(file) });
      await Promise.all(resolved.members.map((member) => member.provider.dispose?.()));
    }
    passed.push(`config ${rel(file)} (${names.join(", ")})`);
  } catch (error) {
    problems.push(`config ${rel(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// 2. TypeScript examples.
if (typecheck) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  for (const dir of readdirSync(join(root, "examples"))) {
    const tsconfig = join(root, "examples", dir, "tsconfig.json");
    if (!existsSync(tsconfig)) continue;
    const result = run(process.execPath, [tsc, "--noEmit", "-p", tsconfig]);
    if (result.status === 0) passed.push(`typecheck ${rel(tsconfig)}`);
    else problems.push(`typecheck ${rel(tsconfig)}:\n${result.stdout}${result.stderr}`);
  }
}

// Go tools are built once per version (and, for our own, per source hash) into the cache.
function goTool(name, build) {
  const go = run("go", ["version"]);
  if (go.status !== 0) {
    problems.push(`${name}: the Go toolchain is needed to build it (${go.stderr.trim() || "go not found"})`);
    return undefined;
  }
  const { dir, binary, args, cwd } = build;
  const path = join(dir, binary);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const env = { ...process.env, GOBIN: dir, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };
  const result = run("go", args, { cwd, env });
  if (result.status !== 0 || !existsSync(path)) {
    problems.push(`${name}: go ${args.join(" ")} failed\n${result.stderr}`);
    return undefined;
  }
  console.log(`check-examples: built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s → ${path}`);
  return path;
}

// 3. Compose files.
const composeFiles = files.filter((f) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(basename(f)));
if (composeFiles.length > 0) {
  const source = join(root, "scripts", "docs", "compose-config");
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(readFileSync(join(source, file)));
  const dir = join(cache, `compose-config-${hash.digest("hex").slice(0, 12)}`);
  const tool = goTool("compose-config", {
    dir,
    binary: "compose-config",
    cwd: source,
    args: ["build", "-trimpath", "-o", join(dir, "compose-config"), "."],
  });
  if (tool) {
    for (const file of composeFiles) {
      const result = run(tool, [file], { env: { PATH: process.env.PATH ?? "" } });
      if (result.status === 0) passed.push(`compose ${rel(file)}`);
      else problems.push(`compose ${rel(file)}: ${result.stderr.trim()}`);
    }
  }
}

// 4. Dockerfiles.
const isDockerfile = (name) =>
  name === "Dockerfile" ||
  name === "Containerfile" ||
  /^Dockerfile\.(?!dockerignore$)/.test(name) ||
  name.endsWith(".Dockerfile");
const dockerfiles = files.filter((f) => isDockerfile(basename(f)));
const bin = join(root, "packages", "cli", "dist", "bin.js");
if (dockerfiles.length > 0 && !existsSync(bin)) {
  problems.push("Dockerfiles: packages/cli is not built (run `npm run build`)");
} else if (dockerfiles.length > 0) {
  const scan = run(process.execPath, [bin, "scan", "examples", "docs/snippets"]);
  if (scan.status === 0) passed.push("hf-secrets scan examples docs/snippets: nothing found");
  else
    problems.push(
      `hf-secrets scan examples docs/snippets (exit ${scan.status}):\n${scan.stdout}${scan.stderr}`,
    );

  const home = mkdtempSync(join(tmpdir(), "hf-secrets-check-examples-"));
  const token = `hf_${"A".repeat(34)}`;
  const doctorChecks = (cwd) => {
    const result = run(
      process.execPath,
      [bin, "doctor", "--json", "--exit-zero", "--config", join(home, "none.json")],
      {
        cwd,
        env: { PATH: process.env.PATH ?? "", HOME: home, HF_HOME: home, HF_TOKEN: token },
      },
    );
    if (result.status !== 0) throw new Error(`doctor exited ${result.status}: ${result.stderr}`);
    return JSON.parse(result.stdout).checks.map((check) => check.id);
  };
  writeFileSync(
    join(home, "none.json"),
    JSON.stringify({ environments: { development: { chain: ["env"] } } }),
  );
  try {
    const control = join(home, "control");
    mkdirSync(control);
    writeFileSync(join(control, "Dockerfile"), "FROM node:20-slim\nARG HF_TOKEN\nRUN echo building\n");
    if (!doctorChecks(control).includes("DOCKERFILE_TOKEN")) {
      problems.push(
        "doctor: the control Dockerfile with `ARG HF_TOKEN` did not fail the DOCKERFILE_TOKEN check",
      );
    }
    for (const dir of [...new Set(dockerfiles.map((f) => dirname(f)))]) {
      const ids = doctorChecks(dir);
      if (ids.includes("DOCKERFILE_TOKEN")) problems.push(`doctor in ${rel(dir)}: DOCKERFILE_TOKEN`);
      else
        passed.push(
          `doctor Dockerfile check in ${rel(dir)} (${dockerfiles.filter((f) => dirname(f) === dir).length} file(s))`,
        );
    }
  } catch (error) {
    problems.push(`doctor: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// 5. YAML and JSON; workflows with actionlint.
const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f));
const workflows = [];
for (const file of yamlFiles) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  const errors = documents.flatMap((d) => d.errors);
  if (errors.length > 0) {
    problems.push(`yaml ${rel(file)}: ${errors[0].message}`);
    continue;
  }
  const first = documents[0]?.toJS() ?? {};
  if (first && typeof first === "object" && "jobs" in first && "on" in first) workflows.push(file);
  else passed.push(`yaml ${rel(file)}`);
}
for (const file of files.filter((f) => f.endsWith(".json") && !configs.includes(f))) {
  try {
    JSON.parse(readFileSync(file, "utf8"));
    passed.push(`json ${rel(file)}`);
  } catch (error) {
    problems.push(`json ${rel(file)}: ${error.message}`);
  }
}
if (workflows.length > 0) {
  const dir = join(cache, `actionlint-${ACTIONLINT_VERSION}`);
  const tool = goTool("actionlint", {
    dir,
    binary: "actionlint",
    cwd: root,
    args: ["install", `github.com/rhysd/actionlint/cmd/actionlint@v${ACTIONLINT_VERSION}`],
  });
  if (tool) {
    const result = run(tool, ["-no-color", ...workflows]);
    if (result.status === 0) passed.push(`actionlint ${workflows.map(rel).join(", ")}`);
    else problems.push(`actionlint:\n${result.stdout}${result.stderr}`);
  }
}

// 6. Kubernetes manifests (offline part).
for (const file of files.filter((f) => basename(f) === "kustomization.yaml")) {
  const dir = dirname(file);
  const result = run("kubectl", ["kustomize", dir]);
  if (result.status !== 0) {
    problems.push(`kubectl kustomize ${rel(dir)}: ${result.stderr.trim()}`);
    continue;
  }
  const objects = parseAllDocuments(result.stdout).map((d) => d.toJS());
  const bad = objects.filter((o) => !o?.apiVersion || !o?.kind || !o?.metadata?.name);
  if (bad.length > 0)
    problems.push(`kubectl kustomize ${rel(dir)}: ${bad.length} object(s) without apiVersion/kind/name`);
  else
    passed.push(
      `kubectl kustomize ${rel(dir)}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`,
    );
}

for (const line of passed) console.log(`  ✓ ${line}`);
if (problems.length > 0) {
  console.error(
    `check-examples: ${problems.length} problem(s)\n${problems.map((p) => `  ✗ ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log(`check-examples: ${passed.length} checks passed`);
