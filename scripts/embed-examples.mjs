#!/usr/bin/env node
// Keeps the code in READMEs and docs pages identical to files that CI type-checks (and, for *.test.ts, runs).
// A fenced block preceded by `<!-- example: path/relative/to/the/markdown/file.ts -->` must equal that file.
//   node scripts/embed-examples.mjs          checks, exit 1 on any difference or any unmarked ts block
//   node scripts/embed-examples.mjs --write  rewrites the blocks from the files
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const write = process.argv.includes("--write");
const MARKER = /<!-- example: (\S+) -->\n```(\w+)\n([\s\S]*?)```/g;
const ANY_TS_BLOCK = /```(ts|typescript)\n/g;

function markdownFiles() {
  const files = [join(root, "README.md")];
  for (const dir of readdirSync(join(root, "packages"))) {
    const readme = join(root, "packages", dir, "README.md");
    if (existsSync(readme)) files.push(readme);
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      if (entry === "node_modules" || entry.startsWith(".")) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".md")) files.push(path);
    }
  };
  if (existsSync(join(root, "docs"))) walk(join(root, "docs"));
  return files;
}

const problems = [];
let checked = 0;
for (const file of markdownFiles()) {
  const text = readFileSync(file, "utf8");
  const marked = [...text.matchAll(MARKER)].length;
  const tsBlocks = [...text.matchAll(ANY_TS_BLOCK)].length;
  if (tsBlocks > marked) {
    problems.push(
      `${relative(root, file)}: ${tsBlocks - marked} TypeScript block(s) without an <!-- example: ... --> marker`,
    );
  }
  const updated = text.replace(MARKER, (whole, target, lang, code) => {
    const path = resolve(dirname(file), target);
    if (!existsSync(path)) {
      problems.push(`${relative(root, file)}: example ${target} does not exist`);
      return whole;
    }
    checked++;
    const source = readFileSync(path, "utf8");
    if (source !== code) {
      if (!write)
        problems.push(
          `${relative(root, file)}: the block for ${target} differs from the file (run node scripts/embed-examples.mjs --write)`,
        );
      return `<!-- example: ${target} -->\n\`\`\`${lang}\n${source}\`\`\``;
    }
    return whole;
  });
  if (write && updated !== text) writeFileSync(file, updated);
}
if (problems.length > 0 && !write) {
  console.error(
    `embed-examples: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log(`embed-examples: ${checked} example blocks match their type-checked files`);
