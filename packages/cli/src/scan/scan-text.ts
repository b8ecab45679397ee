import { maskSecret } from "@hf-secrets/core";
import { isDockerfileName, parseDockerfileAssignments, TOKEN_VARIABLES } from "../files/dockerfile.js";
import { isEnvExampleName, parseEnvAssignments } from "../files/env-file.js";
import type { FindingSource, ScanFinding } from "./finding.js";
import { CLIENT_PLACEHOLDER, findTokens, isTokenShaped, mayContainToken } from "./token-patterns.js";

/** The inline marker that silences findings on its line. */
export const INLINE_IGNORE_MARKER = "hf-secrets-scan:ignore";

/** What the scanner knows about the text it scans. */
export interface ScanTextContext {
  /** Relative path, with `/`; its file name decides the Dockerfile and .env rules. */
  readonly path: string;
  readonly source: FindingSource;
  readonly commit?: string | undefined;
  /** Set for .env files that git does not ignore: their assignments are findings too. */
  readonly unignoredEnvNote?: string | undefined;
  /** Line number of the text's first line (a diff hunk starts anywhere); default 1. */
  readonly firstLine?: number;
}

/**
 * Finds hardcoded credentials in one text: token-shaped values anywhere, and literal `HF_TOKEN` values in
 * Dockerfile `ENV`/`ARG` instructions and in .env files git does not ignore. Lines that carry
 * {@link INLINE_IGNORE_MARKER} are skipped. Returns masks only.
 */
export function scanText(text: string, context: ScanTextContext): ScanFinding[] {
  const name = context.path.slice(context.path.lastIndexOf("/") + 1);
  const dockerfile = isDockerfileName(name);
  const envFile = context.unignoredEnvNote !== undefined;
  if (!dockerfile && !envFile && !mayContainToken(text)) return [];
  const lines = text.split("\n");
  const firstLine = context.firstLine ?? 1;
  const ignoredLine = (line: number) => lines[line - firstLine]?.includes(INLINE_IGNORE_MARKER) === true;
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  const add = (finding: Omit<ScanFinding, "path" | "source" | "commit">) => {
    if (ignoredLine(finding.line)) return;
    const key = `${finding.line}:${finding.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ ...finding, path: context.path, source: context.source, commit: context.commit });
  };

  if (mayContainToken(text)) {
    let lineStart = 0;
    let lineIndex = 0;
    for (const match of findTokens(text)) {
      while (true) {
        const next = text.indexOf("\n", lineStart);
        if (next === -1 || next >= match.index) break;
        lineStart = next + 1;
        lineIndex++;
      }
      const column = match.index - lineStart + 1;
      add({
        ruleId: match.ruleId,
        line: firstLine + lineIndex,
        column,
        endColumn: column + match.value.length,
        masked: maskSecret(match.value),
        note: context.unignoredEnvNote,
      });
    }
  }

  const literal = (value: string | undefined): value is string =>
    value !== undefined &&
    value.trim() !== "" &&
    !value.includes("$") &&
    value !== CLIENT_PLACEHOLDER &&
    !isTokenShaped(value);

  if (dockerfile) {
    for (const assignment of parseDockerfileAssignments(text)) {
      if (!TOKEN_VARIABLES.has(assignment.key) || !literal(assignment.value)) continue;
      add({
        ruleId: "hf-token-literal-in-dockerfile",
        line: firstLine + assignment.line - 1,
        column: assignment.column,
        endColumn: assignment.column + assignment.value.length,
        masked: maskSecret(assignment.value),
        note: `${assignment.instruction} ${assignment.key}`,
      });
    }
  }

  if (envFile && !isEnvExampleName(name)) {
    for (const assignment of parseEnvAssignments(text)) {
      if (!TOKEN_VARIABLES.has(assignment.key) || !literal(assignment.value)) continue;
      add({
        ruleId: "hf-token-in-unignored-env-file",
        line: firstLine + assignment.line - 1,
        column: assignment.column,
        endColumn: assignment.column + assignment.value.length,
        masked: maskSecret(assignment.value),
        note: context.unignoredEnvNote,
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
