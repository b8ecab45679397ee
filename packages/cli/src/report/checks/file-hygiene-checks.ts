import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { checkFileHygiene } from "@hf-secrets/core";
import { resolveHfPaths } from "@hf-secrets/hf-cli";
import { TOKEN_VARIABLES } from "../../files/dockerfile.js";
import { isEnvExampleName, isEnvFileName, parseEnvAssignments } from "../../files/env-file.js";
import { gitFileStatus } from "../../files/git.js";
import type { DoctorCheck } from "../doctor-check.js";

/** What the hygiene checks need to know about the resolution. */
export interface FileHygieneInput {
  /** Folder of the .env files (the config file's folder, else the working directory). */
  readonly dotenvDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Providers (by name) that failed with an error: their files are checked directly. */
  readonly erroredProviders: ReadonlySet<string>;
  /** Checks already made (from provider warnings): the same finding for the same file is not repeated. */
  readonly existing: readonly DoctorCheck[];
}

/**
 * File checks the providers cannot make when they fail (e.g. a strict policy refuses a loose token file):
 * token files other users can read or change (hf-cli's token and stored_tokens, .env files holding a token),
 * and .env files that git does not ignore or that are committed.
 */
export async function fileHygieneChecks(input: FileHygieneInput): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const already = (id: string, path: string, name: string) =>
    [...input.existing, ...checks].some(
      (c) =>
        c.id === id &&
        (c.location === path ||
          c.location?.endsWith(`/${name}`) ||
          c.location?.endsWith(`:${name}`) ||
          c.location === name ||
          c.message.includes(path)),
    );
  // The hf-cli provider's own rule (group/others can read or write; another owner), so the doctor reports a
  // file the same way the provider would have, had it not failed.
  const hygiene = async (path: string, name: string, what: string) => {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return;
    for (const finding of checkFileHygiene(info, path)) {
      if (already(finding.code, path, name)) continue;
      checks.push({
        id: finding.code,
        level: "warn",
        location: path,
        message: `${what}: ${finding.problem}`,
        fix: finding.fix,
      });
    }
  };

  if (input.erroredProviders.has("hf-cli")) {
    // The same paths the hf-cli provider (and huggingface_hub) reads.
    const paths = resolveHfPaths({ env: input.env, cwd: input.dotenvDir });
    await hygiene(paths.tokenPath, "token", "The Hugging Face CLI login");
    await hygiene(paths.storedTokensPath, "stored_tokens", "The Hugging Face CLI's saved tokens");
  }

  const names = await readdir(input.dotenvDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => isEnvFileName(n) && !isEnvExampleName(n)).sort()) {
    const path = join(input.dotenvDir, name);
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const holdsToken = parseEnvAssignments(text).some((a) => TOKEN_VARIABLES.has(a.key) && a.value !== "");
    if (holdsToken && input.erroredProviders.has("dotenv"))
      await hygiene(path, name, `${name} (holds HF_TOKEN)`);
    const status = await gitFileStatus(path);
    if ((status !== "not-ignored" && status !== "tracked") || already("NOT_GIT_IGNORED", path, name))
      continue;
    const holds = holdsToken ? " and holds HF_TOKEN" : "";
    checks.push({
      id: "NOT_GIT_IGNORED",
      level: "warn",
      location: path,
      message:
        status === "tracked"
          ? `${name} is committed to git${holds}: everyone with the repository has its contents.`
          : `${name} is not git-ignored${holds}: the next \`git add .\` commits it.`,
      fix:
        status === "tracked"
          ? `Run \`git rm --cached ${name}\`, add it to .gitignore, and revoke any token it held (it stays in the history).`
          : `Add \`${name}\` (or \`.env*\` with \`!.env.example\`) to .gitignore.`,
    });
  }
  return checks;
}
