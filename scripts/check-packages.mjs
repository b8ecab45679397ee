#!/usr/bin/env node
// Checks every package under packages/ mechanically (run by `npm test`, after the build):
// the skeleton (ESM+CJS+types exports, sideEffects, engines), that core has no runtime dependency and is a peer
// of every other package, that cloud SDKs are peers of their own provider only, that every file the exports map
// names exists after the build, and that every exported symbol has TSDoc.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

const root = resolve(import.meta.dirname, "..");
const packagesDir = join(root, "packages");
const problems = [];
const fail = (pkg, message) => problems.push(`${pkg}: ${message}`);

const CLOUD_SDKS = {
  aws: ["@aws-sdk/"],
  azure: ["@azure/"],
  kubernetes: ["@kubernetes/"],
};
const NOT_A_PROVIDER = new Set(["core"]);

const dirs = readdirSync(packagesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

for (const dir of dirs) {
  const pkgPath = join(packagesDir, dir, "package.json");
  if (!existsSync(pkgPath)) {
    fail(dir, "has no package.json");
    continue;
  }
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const name = pkg.name ?? dir;
  if (pkg.name !== `@hf-secrets/${dir}`) fail(name, `name must be @hf-secrets/${dir}`);
  if (pkg.type !== "module") fail(name, 'needs "type": "module"');
  if (pkg.sideEffects !== false) fail(name, 'needs "sideEffects": false');
  if (pkg.engines?.node !== ">=20") fail(name, 'needs "engines": { "node": ">=20" }');
  if (!pkg.license) fail(name, "needs a license");
  if (!pkg.files?.includes("dist")) fail(name, '"files" must include "dist"');
  if (pkg.scripts?.build !== "tsup") fail(name, 'needs the "build": "tsup" script');
  if (!pkg.scripts?.typecheck) fail(name, 'needs a "typecheck" script');
  if (!existsSync(join(packagesDir, dir, "README.md"))) fail(name, "has no README.md");

  const entry = pkg.exports?.["."];
  if (
    !entry?.import?.types ||
    !entry?.import?.default ||
    !entry?.require?.types ||
    !entry?.require?.default
  ) {
    fail(name, 'exports["."] needs import {types, default} and require {types, default}');
  } else {
    for (const target of [
      entry.import.types,
      entry.import.default,
      entry.require.types,
      entry.require.default,
    ]) {
      if (!existsSync(join(packagesDir, dir, target)))
        fail(name, `exports names ${target}, which the build did not produce`);
    }
  }
  for (const field of ["main", "module", "types"]) {
    if (pkg[field] && !existsSync(join(packagesDir, dir, pkg[field])))
      fail(name, `"${field}" names ${pkg[field]}, which does not exist`);
  }
  if (pkg.bin) {
    for (const target of Object.values(pkg.bin)) {
      if (!existsSync(join(packagesDir, dir, target)))
        fail(name, `bin names ${target}, which the build did not produce`);
    }
  }

  const deps = Object.keys(pkg.dependencies ?? {});
  if (dir === "core") {
    if (deps.length > 0) fail(name, `core must have zero runtime dependencies, has ${deps.join(", ")}`);
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) {
      if (!pkg.peerDependenciesMeta?.[peer]?.optional) fail(name, `core's peer ${peer} must be optional`);
    }
  }
  if (!NOT_A_PROVIDER.has(dir)) {
    if (!pkg.peerDependencies?.["@hf-secrets/core"]) fail(name, "@hf-secrets/core must be a peerDependency");
    if (deps.includes("@hf-secrets/core"))
      fail(name, "@hf-secrets/core must not be a runtime dependency (use a peer)");
  }
  for (const [owner, prefixes] of Object.entries(CLOUD_SDKS)) {
    const all = [...deps, ...Object.keys(pkg.peerDependencies ?? {})];
    for (const dep of all) {
      if (!prefixes.some((p) => dep.startsWith(p))) continue;
      if (dir !== owner && dir !== "bench") fail(name, `${dep} belongs to @hf-secrets/${owner} only`);
      if (dir === owner && deps.includes(dep))
        fail(name, `${dep} must be a peerDependency, not a dependency`);
    }
  }

  const indexPath = join(packagesDir, dir, "src", "index.ts");
  if (!existsSync(indexPath)) {
    fail(name, "has no src/index.ts");
    continue;
  }
  for (const missing of undocumentedExports(indexPath))
    fail(name, `export "${missing}" has no TSDoc comment`);
}

function undocumentedExports(indexPath) {
  const program = ts.createProgram([indexPath], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(indexPath);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return ["(could not read src/index.ts)"];
  const missing = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    // Declarations from other packages (re-exports of dependencies) are documented there.
    if (
      declarations.length > 0 &&
      declarations.every((d) => d.getSourceFile().fileName.includes("node_modules"))
    )
      continue;
    const documented = declarations.some(
      (d) => ts.getJSDocCommentsAndTags(d).length > 0 || hasLeadingJsDoc(d),
    );
    if (!documented) missing.push(exported.getName());
  }
  return missing;
}

function hasLeadingJsDoc(node) {
  // Variable declarations carry their comment on the statement.
  let current = node;
  while (current && !ts.isVariableStatement(current) && !ts.isSourceFile(current)) current = current.parent;
  if (!current || ts.isSourceFile(current)) return false;
  const text = current.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, current.getFullStart()) ?? [];
  return ranges.some((r) => text.slice(r.pos, r.end).startsWith("/**"));
}

if (problems.length > 0) {
  console.error(
    `check-packages: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log(
  `check-packages: ${dirs.length} packages OK (skeleton, exports, peers, zero-dependency core, TSDoc on every export)`,
);
