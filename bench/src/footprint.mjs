// Section 4b — footprint: `npm pack` each publishable workspace package (its real `files`), then install the
// tarball with its peers into a clean temporary project (a normal `npm install`: the registry is reachable) and
// measure what lands in node_modules. Workspace packages are never fetched from the registry: every
// @hf-secrets/* dependency or peer is given as a local tarball. Third-party peers use the package's own pinned
// devDependency version.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { progress, writeResult } from "./lib/result.mjs";
import { formatBytes } from "./lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const SKIP = new Set(["testing"]); // a dev-time tool (vitest peer), not something an app installs
const INSTALL_TIMEOUT_MS = 120_000;

function readPkg(dir) {
  return JSON.parse(readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8"));
}

function duBytes(path) {
  if (!existsSync(path)) return 0;
  return Number(execFileSync("du", ["-sb", path], { encoding: "utf8" }).split("\t")[0]);
}

function npm(args, cwd, timeout = INSTALL_TIMEOUT_MS) {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    timeout,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
}

/** Installed packages: every <name> or @scope/<name> directory with a package.json, nested node_modules included. */
function countPackages(nodeModules) {
  let count = 0;
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(".")) continue;
      const names = entry.startsWith("@")
        ? readdirSync(join(dir, entry)).map((n) => join(entry, n))
        : [entry];
      for (const name of names) {
        const pkgDir = join(dir, name);
        if (existsSync(join(pkgDir, "package.json"))) count++;
        visit(join(pkgDir, "node_modules"));
      }
    }
  };
  visit(nodeModules);
  return count;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "hf-secrets-footprint-"));
  const packDir = join(work, "pack");
  mkdirSync(packDir);
  const notes = [];
  try {
    const dirs = readdirSync(join(ROOT, "packages")).filter((d) =>
      existsSync(join(ROOT, "packages", d, "package.json")),
    );
    const pkgs = new Map();
    for (const dir of dirs) {
      const pkg = readPkg(dir);
      if (pkg.private || SKIP.has(dir)) continue;
      if (!existsSync(join(ROOT, "packages", dir, "dist"))) {
        notes.push(`${pkg.name}: no dist/ (not built when this ran): not measured.`);
        continue;
      }
      const [packed] = JSON.parse(
        npm(
          ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir],
          join(ROOT, "packages", dir),
          60_000,
        ),
      );
      pkgs.set(pkg.name, {
        dir,
        pkg,
        tarball: join(packDir, packed.filename),
        size: packed.size,
        unpacked: packed.unpackedSize,
        files: packed.entryCount,
      });
    }

    // Every @hf-secrets package a given one needs (dependencies + peers, transitively), as local tarballs.
    const closure = (name, seen = new Set()) => {
      if (seen.has(name)) return seen;
      seen.add(name);
      const { pkg } = pkgs.get(name) ?? {};
      if (!pkg) return seen;
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
        if (dep.startsWith("@hf-secrets/")) closure(dep, seen);
      }
      return seen;
    };

    const rows = [];
    const raw = {};
    for (const [name, info] of pkgs) {
      const { pkg } = info;
      const internal = [...closure(name)];
      const missing = internal.filter((n) => !pkgs.has(n));
      if (missing.length > 0) {
        notes.push(`${name}: needs ${missing.join(", ")}, which is not built: not installed.`);
        continue;
      }
      const optional = pkg.peerDependenciesMeta ?? {};
      const thirdPartyPeers = Object.keys(pkg.peerDependencies ?? {}).filter(
        (p) => !p.startsWith("@hf-secrets/"),
      );
      const pin = (p) => `${p}@${pkg.devDependencies?.[p] ?? pkg.peerDependencies[p]}`;
      const required = thirdPartyPeers.filter((p) => !optional[p]?.optional).map(pin);
      const optionalPeers = thirdPartyPeers.filter((p) => optional[p]?.optional).map(pin);
      const variants = [{ label: "required peers", peers: required }];
      if (optionalPeers.length > 0)
        variants.push({
          label: `+ optional ${optionalPeers.join(", ")}`,
          peers: [...required, ...optionalPeers],
        });
      for (const variant of variants) {
        const proj = mkdtempSync(join(work, "proj-"));
        writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "footprint-probe", private: true }));
        const specs = [...internal.map((n) => pkgs.get(n).tarball), ...variant.peers];
        const t0 = performance.now();
        try {
          npm(
            [
              "install",
              "--ignore-scripts",
              "--no-audit",
              "--no-fund",
              "--no-package-lock",
              "--prefer-offline",
              "--loglevel=error",
              ...specs,
            ],
            proj,
          );
        } catch (error) {
          notes.push(
            `${name} (${variant.label}): npm install failed: ${
              String(error.stderr ?? error.message)
                .split("\n")
                .find((l) => l.trim()) ?? "unknown error"
            }`,
          );
          continue;
        }
        const nm = join(proj, "node_modules");
        const ours = internal.reduce((sum, n) => sum + duBytes(join(nm, ...n.split("/"))), 0);
        // Third-party: every top-level entry except @hf-secrets and npm's own dot-files.
        const thirdParty = readdirSync(nm)
          .filter((e) => !e.startsWith(".") && e !== "@hf-secrets")
          .reduce((sum, e) => sum + duBytes(join(nm, e)), 0);
        const total = ours + thirdParty;
        const own = duBytes(join(nm, ...name.split("/")));
        const count = countPackages(nm);
        raw[`${name}|${variant.label}`] = {
          total,
          ours,
          own,
          size: info.size,
          unpacked: info.unpacked,
          count,
        };
        rows.push([
          name,
          variant.label + (variant.peers.length ? `: ${variant.peers.join(", ")}` : ""),
          formatBytes(info.size),
          formatBytes(own),
          formatBytes(ours),
          formatBytes(thirdParty),
          formatBytes(total),
          String(count),
          "—",
          "—",
        ]);
        progress(
          "footprint",
          `${name} (${variant.label}): ${formatBytes(total)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
        rmSync(proj, { recursive: true, force: true });
      }
    }

    writeResult({
      id: "footprint",
      title: "4b. Footprint: bytes installed per package",
      method: [
        "`npm pack` of each publishable workspace package (its real `files`: dist + README), then `npm install --ignore-scripts --prefer-offline` of the tarball, the @hf-secrets packages it needs (as local tarballs) and its third-party peers (at the package's pinned devDependency version) into an empty temporary project.",
        'Bytes are `du -sb` (apparent size) of the installed directories. "hf-secrets code" is every @hf-secrets/* directory installed; "third-party" is everything else (SDKs and their dependencies). "Packages installed" counts every installed package directory, nested ones included.',
        "The packages ship source maps (about half of each dist); they are counted as installed bytes.",
      ],
      tables: [
        {
          title: "Installed size",
          columns: [
            "Package",
            "Installed with",
            "Tarball",
            "Package itself",
            "hf-secrets code (incl. core)",
            "Third-party",
            "node_modules total",
            "Packages installed",
            "Target",
            "Met",
          ],
          rows,
        },
      ],
      targets: [],
      notes,
      raw,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
