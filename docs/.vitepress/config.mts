import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitepress";

// The docs are Markdown files that read well on GitHub too: they link to READMEs, examples and snippets elsewhere
// in the repository with relative paths (../../packages/aws/README.md). Those files are not pages of the site,
// so such links are rewritten here: to the repository's web view when the root package.json names a
// repository (or DOCS_REPO_URL is set), else to plain text naming the path. scripts/docs/check-links.mjs checks
// that every one of them exists.
const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(docsDir, "..");
const repoUrl = repositoryUrl();

function repositoryUrl(): string | undefined {
  if (process.env.DOCS_REPO_URL) return process.env.DOCS_REPO_URL.replace(/\/+$/, "");
  const pkg = JSON.parse(readFileSync(resolve(repoRoot, "package.json"), "utf8")) as {
    repository?: string | { url?: string };
  };
  const raw = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  if (!raw) return undefined;
  return raw.replace(/^git\+/, "").replace(/\.git$/, "");
}

const SITE_PAGE = /\.md$/;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** Where a relative link points in the repository, when that target is not a page of the site. */
function outsideTarget(fromFile: string, href: string): string | undefined {
  if (!href || href.startsWith("#") || EXTERNAL.test(href) || href.startsWith("/")) return undefined;
  const path = href.replace(/[?#].*$/, "");
  const target = resolve(dirname(fromFile), decodeURI(path));
  const inDocs = !relative(docsDir, target).startsWith("..");
  const isSnippet = !relative(resolve(docsDir, "snippets"), target).startsWith("..");
  if (inDocs && !isSnippet && (SITE_PAGE.test(target) || path.endsWith("/") || path === "")) return undefined;
  return relative(repoRoot, target).split("\\").join("/");
}

export default defineConfig({
  title: "hf-secrets",
  description:
    "Your Hugging Face token from where your team keeps it: environment variables, .env, the HF CLI login, AWS, Azure, Kubernetes.",
  lang: "en-US",
  srcExclude: ["snippets/**", "node_modules/**", "**/README.md"],
  lastUpdated: false,
  cleanUrls: false,
  markdown: {
    config(md) {
      md.core.ruler.push("hf-secrets-repository-links", (state) => {
        const file = (state.env as { path?: string }).path;
        if (!file) return;
        for (const block of state.tokens) {
          const children = block.children ?? [];
          for (let i = 0; i < children.length; i++) {
            const token = children[i];
            if (token?.type !== "link_open") continue;
            const href = token.attrGet("href") ?? "";
            const target = outsideTarget(file, href);
            if (target === undefined) continue;
            const hash = href.includes("#") ? href.slice(href.indexOf("#")) : "";
            if (repoUrl) {
              const kind = /\/$/.test(href) || !/\.[a-z0-9]+$/i.test(target) ? "tree" : "blob";
              token.attrSet("href", `${repoUrl}/${kind}/main/${target}${hash}`);
              token.attrSet("target", "_blank");
              token.attrSet("rel", "noreferrer");
            } else {
              token.type = "html_inline";
              token.tag = "";
              token.content = `<span class="repo-path" title="${target} in the repository">`;
              for (let j = i + 1; j < children.length; j++) {
                const close = children[j];
                if (close?.type === "link_close") {
                  close.type = "html_inline";
                  close.tag = "";
                  close.content = "</span>";
                  break;
                }
              }
            }
          }
        }
      });
    },
  },
  themeConfig: {
    search: { provider: "local" },
    outline: { level: [2, 3] },
    nav: [
      { text: "Getting started", link: "/getting-started" },
      { text: "Providers", link: "/providers/env" },
      { text: "Guides", link: "/guides/environments" },
      { text: "Architecture", link: "/architecture" },
    ],
    sidebar: [
      {
        text: "Introduction",
        items: [
          { text: "Overview", link: "/" },
          { text: "Getting started", link: "/getting-started" },
        ],
      },
      {
        text: "Providers",
        items: [
          { text: "Environment variables", link: "/providers/env" },
          { text: ".env files", link: "/providers/dotenv" },
          { text: "Hugging Face CLI login", link: "/providers/hf-cli" },
          { text: "AWS Secrets Manager", link: "/providers/aws" },
          { text: "Azure Key Vault", link: "/providers/azure" },
          { text: "Kubernetes Secrets", link: "/providers/kubernetes" },
        ],
      },
      {
        text: "Guides",
        items: [
          { text: "A source per environment", link: "/guides/environments" },
          { text: "Rotation and revocation", link: "/guides/rotation" },
          { text: "Docker", link: "/guides/docker" },
          { text: "Kubernetes", link: "/guides/kubernetes" },
          { text: "GitHub Actions", link: "/guides/github-actions" },
          { text: "Security model", link: "/guides/security" },
          { text: "Caching and its cost", link: "/guides/caching" },
          { text: "Writing a provider", link: "/guides/custom-provider" },
        ],
      },
      {
        text: "Reference",
        items: [
          { text: "Architecture", link: "/architecture" },
          { text: "Benchmarks", link: "/benchmarks" },
          { text: "Reliability", link: "/reliability" },
        ],
      },
    ],
  },
});
