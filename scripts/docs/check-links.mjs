#!/usr/bin/env node
// Finds broken links in the documentation, offline.
//   node scripts/docs/check-links.mjs          the Markdown: README.md, docs/**, examples/**, packages/*/README.md.
//                                              Every relative link must name a file or folder of the repository
//                                              (links from docs into ../packages/*/README.md included), every
//                                              #anchor a heading of its target. Anchors into docs pages must work
//                                              both on the site (VitePress's slugs) and on GitHub (its slugs).
//   node scripts/docs/check-links.mjs --site   also the built site (docs/.vitepress/dist, after
//                                              `npm run build --prefix docs`): every <a href> of every page,
//                                              nav and sidebar included, must reach a page and an id on it.
//   --external                                 lists the external links (they are not fetched: no network here).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const docsDir = join(root, "docs");
const distDir = join(docsDir, ".vitepress", "dist");
const checkSite = process.argv.includes("--site");
const listExternal = process.argv.includes("--external");

const problems = [];
const external = new Map(); // url → first place it appears
let checkedLinks = 0;
const rel = (path) => relative(root, path).split(sep).join("/");
const inside = (dir, path) => !relative(dir, path).startsWith("..");

function walk(dir, accept, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, accept, out);
    else if (accept(entry)) out.push(path);
  }
  return out;
}

// ---- slugs -------------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: VitePress strips control characters from slugs.
const CONTROL_CHARACTERS = /[\u0000-\u001f]/g;

/** VitePress 1.x (@mdit-vue/shared `slugify`). */
function vitepressSlug(text) {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036F]/g, "")
    .replace(CONTROL_CHARACTERS, "")
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^(\d)/, "_$1")
    .toLowerCase();
}

/** GitHub (github-slugger): lower case, punctuation and symbols removed, each space a dash. */
function githubSlug(text) {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The text a heading renders to: code spans, links, emphasis and HTML reduced to their text. */
function headingText(raw) {
  return raw
    .replace(/\s+#+\s*$/, "")
    .replace(/\{#[^}]+\}\s*$/, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|\*|~~)/g, "")
    .trim();
}

const anchorCache = new Map();
/** Anchors of a Markdown file, per renderer: { vitepress: Set, github: Set }. */
function markdownAnchors(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const vitepress = new Set();
  const github = new Set();
  const counts = { vitepress: new Map(), github: new Map() };
  const add = (kind, set, slug) => {
    const n = counts[kind].get(slug) ?? 0;
    counts[kind].set(slug, n + 1);
    set.add(n === 0 ? slug : `${slug}-${n}`);
  };
  for (const line of withoutCode(readFileSync(file, "utf8"), { inline: false }).split("\n")) {
    const heading = /^ {0,3}(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const custom = /\{#([^}]+)\}\s*$/.exec(heading[2]);
      const text = headingText(heading[2]);
      if (custom) vitepress.add(custom[1]);
      else add("vitepress", vitepress, vitepressSlug(text));
      add("github", github, githubSlug(text));
    }
    for (const m of line.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g)) {
      vitepress.add(m[1]);
      github.add(m[1]);
    }
  }
  const result = { vitepress, github };
  anchorCache.set(file, result);
  return result;
}

/** Blanks fenced code blocks and (unless `inline: false`) inline code, keeping line numbers. */
function withoutCode(text, { inline = true } = {}) {
  const lines = text.split("\n");
  let fence;
  return lines
    .map((line) => {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (
          open &&
          open[1][0] === fence[0] &&
          open[1].length >= fence.length &&
          !/\S/.test(line.slice(open[0].length))
        )
          fence = undefined;
        return "";
      }
      if (open) {
        fence = open[1];
        return "";
      }
      return inline ? line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, (m) => " ".repeat(m.length)) : line;
    })
    .join("\n");
}

// ---- Markdown links ----------------------------------------------------------------------------------------

const markdownFiles = [
  join(root, "README.md"),
  ...walk(docsDir, (name) => name.endsWith(".md")),
  ...walk(join(root, "examples"), (name) => name.endsWith(".md")),
  ...readdirSync(join(root, "packages"))
    .map((dir) => join(root, "packages", dir, "README.md"))
    .filter((file) => existsSync(file)),
].filter((file) => existsSync(file));

function* linksOf(text) {
  const lines = withoutCode(text).split("\n");
  for (const [index, line] of lines.entries()) {
    // [text](href "title") and ![alt](src); <a href="...">; [id]: href reference definitions.
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      yield { href: m[1], line: index + 1 };
    for (const m of line.matchAll(/<a\s+[^>]*href="([^"]+)"/g)) yield { href: m[1], line: index + 1 };
    const definition = /^ {0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) yield { href: definition[1], line: index + 1 };
  }
}

for (const file of markdownFiles) {
  const fileInDocs = inside(docsDir, file);
  for (const { href, line } of linksOf(readFileSync(file, "utf8"))) {
    const where = `${rel(file)}:${line}`;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) {
      if (!external.has(href)) external.set(href, where);
      continue;
    }
    checkedLinks++;
    const hashAt = href.indexOf("#");
    const pathPart = decodeURI(hashAt >= 0 ? href.slice(0, hashAt) : href).replace(/\?.*$/, "");
    const anchor = hashAt >= 0 ? decodeURIComponent(href.slice(hashAt + 1)) : undefined;
    let target;
    if (pathPart === "") target = file;
    else if (pathPart.startsWith("/")) {
      if (!fileInDocs) {
        problems.push(`${where}: "${href}" is an absolute path; use a relative link`);
        continue;
      }
      target = join(docsDir, pathPart);
    } else target = resolve(dirname(file), pathPart);

    if (fileInDocs && pathPart.startsWith("/")) {
      // Site paths: /guides/docker, /guides/docker.html, /guides/ → the Markdown page.
      const base = target.replace(/\.html$/, "");
      const candidates = [`${base}.md`, join(base, "index.md"), base];
      target = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? target;
    }
    if (!inside(root, target)) {
      problems.push(`${where}: "${href}" points outside the repository`);
      continue;
    }
    if (!existsSync(target)) {
      problems.push(`${where}: "${href}" → ${rel(target)} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === "") continue;
    if (statSync(target).isDirectory()) {
      const readme = join(target, "README.md");
      if (!existsSync(readme)) {
        problems.push(`${where}: "${href}" has an anchor but ${rel(target)} is a folder without README.md`);
        continue;
      }
      target = readme;
    }
    if (extname(target) !== ".md") {
      if (!/^L\d+(-L\d+)?$/.test(anchor))
        problems.push(`${where}: "${href}": #${anchor} on a non-Markdown file`);
      continue;
    }
    const anchors = markdownAnchors(target);
    const onSite = inside(docsDir, target);
    const okGithub = anchors.github.has(anchor);
    const okSite = anchors.vitepress.has(anchor);
    if (onSite && fileInDocs ? !(okGithub && okSite) : !okGithub) {
      const which =
        onSite && fileInDocs
          ? okGithub
            ? "on the site (VitePress)"
            : okSite
              ? "on GitHub"
              : "anywhere"
          : "on GitHub";
      problems.push(`${where}: "${href}": no heading #${anchor} in ${rel(target)} ${which}`);
    }
  }
}

// ---- the built site ----------------------------------------------------------------------------------------

let checkedSiteLinks = 0;
const siteProblems = new Map(); // problem → pages (the nav and sidebar repeat on every page)
const siteProblem = (page, message) => {
  const pages = siteProblems.get(message) ?? [];
  pages.push(relative(distDir, page));
  siteProblems.set(message, pages);
};
if (checkSite) {
  if (!existsSync(join(distDir, "index.html"))) {
    problems.push("docs/.vitepress/dist is missing: run `npm run build --prefix docs` before --site");
  } else {
    const pages = walk(distDir, (name) => name.endsWith(".html"));
    const ids = new Map();
    const idsOf = (page) => {
      if (!ids.has(page)) {
        ids.set(page, new Set([...readFileSync(page, "utf8").matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
      }
      return ids.get(page);
    };
    for (const page of pages) {
      const html = readFileSync(page, "utf8");
      for (const m of html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)) {
        const href = m[1].replace(/&amp;/g, "&");
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue;
        checkedSiteLinks++;
        const hashAt = href.indexOf("#");
        const pathPart = decodeURI(hashAt >= 0 ? href.slice(0, hashAt) : href);
        const anchor = hashAt >= 0 ? decodeURIComponent(href.slice(hashAt + 1)) : undefined;
        let target =
          pathPart === ""
            ? page
            : pathPart.startsWith("/")
              ? join(distDir, pathPart)
              : resolve(dirname(page), pathPart);
        if (pathPart.endsWith("/")) target = join(target, "index.html");
        if (!existsSync(target) && existsSync(`${target}.html`)) target = `${target}.html`;
        if (!existsSync(target) || statSync(target).isDirectory()) {
          siteProblem(page, `<a href="${href}"> → ${relative(distDir, target)} is not in the built site`);
          continue;
        }
        if (anchor && target.endsWith(".html") && !idsOf(target).has(anchor)) {
          siteProblem(page, `<a href="${href}">: no id "${anchor}" on ${relative(distDir, target)}`);
        }
      }
    }
    for (const [message, on] of siteProblems) {
      problems.push(`site: ${message} (on ${on.length === pages.length ? "every page" : on.join(", ")})`);
    }
    console.log(`check-links: site — ${checkedSiteLinks} links on ${pages.length} pages`);
  }
}

if (listExternal) {
  for (const [url, where] of [...external].sort())
    console.log(`  external (not fetched): ${url}  (${where})`);
}
console.log(
  `check-links: Markdown — ${checkedLinks} relative links in ${markdownFiles.length} files; ${external.size} external links listed, not fetched (no network)`,
);
if (problems.length > 0) {
  console.error(
    `check-links: ${problems.length} broken link(s)\n${problems.map((p) => `  ✗ ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log("check-links: no broken link");
