// Shared helpers of the packed-tarball checks: pack workspace packages, make throwaway projects outside the repo,
// install into them with the real npm client, run child processes with a controlled environment.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");

/** Reads packages/<dir>/package.json. */
export function readPackage(dir) {
  return JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8"));
}

/** The exact version a workspace package pins for a devDependency (the one its tests ran against). */
export function devPin(dir, dependency) {
  const version = readPackage(dir).devDependencies?.[dependency];
  if (!version || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`packages/${dir}/package.json pins no exact devDependency version of ${dependency}`);
  }
  return version;
}

/**
 * Runs a command and returns its output; throws with the output when it fails. `input` feeds stdin (default
 * none), `env` replaces the environment.
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    encoding: "utf8",
    input: options.input ?? "",
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 300_000,
  });
  const output = { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.status}\n${output.stdout}\n${output.stderr}`.trim(),
    );
  }
  return output;
}

/** Fails early, with the command to run, when a package has not been built. */
export function assertBuilt(dirs) {
  const missing = dirs.filter((dir) => {
    const entry = readPackage(dir).exports?.["."];
    const targets = [entry?.import?.default, entry?.require?.default, entry?.import?.types].filter(Boolean);
    return targets.length === 0 || targets.some((target) => !existsSync(join(root, "packages", dir, target)));
  });
  if (missing.length > 0) {
    throw new Error(
      `not built: ${missing.map((d) => `packages/${d}`).join(", ")}. Run \`npm run build\` first.`,
    );
  }
}

/** `npm pack`s workspace packages into `destination`; returns dir → { file, size, files }. */
export function pack(dirs, destination) {
  assertBuilt(dirs);
  const args = ["pack", "--json", "--pack-destination", destination];
  for (const dir of dirs) args.push("-w", `packages/${dir}`);
  const { stdout } = run("npm", args);
  const packed = JSON.parse(stdout.slice(stdout.indexOf("[")));
  const byDir = {};
  for (const dir of dirs) {
    const name = readPackage(dir).name;
    const entry = packed.find((p) => p.name === name);
    if (!entry) throw new Error(`npm pack produced no tarball for ${name}`);
    byDir[dir] = {
      name,
      file: join(destination, entry.filename),
      size: entry.size,
      files: entry.files.map((f) => f.path),
    };
  }
  return byDir;
}

const created = [];

/** A fresh directory under the OS temp dir (never inside the repository); removed by `cleanup()`. */
export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `hf-secrets-${label}-`));
  created.push(dir);
  return dir;
}

/** A throwaway npm project with a package.json. */
export function tempProject(label, fields = {}) {
  const dir = tempDir(label);
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `hf-secrets-${label}`, version: "0.0.0", private: true, ...fields }, null, 2)}\n`,
  );
  return dir;
}

/** `npm install` of tarballs and registry specs into a project, with a lockfile. */
export function npmInstall(dir, specs) {
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...specs], {
    cwd: dir,
    env: npmEnv(),
    timeoutMs: 600_000,
  });
}

// npm in a temp project must not inherit the workspace's location from an outer `npm run` (its prefix and
// workspace settings); registry, cache and user config pass through.
function npmEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^npm_(package|lifecycle)_|^npm_config_(local_prefix|prefix|workspaces?|include_workspace_root)$/i.test(
        key,
      )
    )
      continue;
    env[key] = value;
  }
  return env;
}

/** The environment of a child under test: this process's, without any token or hf-secrets setting. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(HF_|HUGGING_FACE_|NODE_ENV$|NODE_OPTIONS$|npm_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Removes every temp dir made here, unless HF_SECRETS_SMOKE_KEEP=1 (then prints where they are). */
export function cleanup() {
  const { HF_SECRETS_SMOKE_KEEP } = process.env;
  if (HF_SECRETS_SMOKE_KEEP === "1") {
    for (const dir of created) console.log(`  kept ${dir}`);
    return;
  }
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes a file, creating its directory. */
export function write(path, text) {
  mkdirSync(resolve(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

/** Seconds since `start` (a `performance.now()` value), one decimal. */
export function seconds(start) {
  return ((performance.now() - start) / 1000).toFixed(1);
}
