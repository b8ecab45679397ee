import type { ScanRuleId } from "./scan-rules.js";

/** Where a finding was made: a file on disk, a past commit (`--git-history`) or the staged changes (`--staged`). */
export type FindingSource = "file" | "history" | "staged";

/** One hardcoded credential. Holds its mask, never the value. */
export interface ScanFinding {
  readonly ruleId: ScanRuleId;
  /** Path relative to the working directory (to the repository root for history and staged findings), with `/`. */
  readonly path: string;
  /** 1-based line and column (UTF-16 code units, as SARIF's default `columnKind`). */
  readonly line: number;
  readonly column: number;
  /** 1-based column just after the match. */
  readonly endColumn: number;
  /** e.g. `hf_****abcd`. */
  readonly masked: string;
  readonly source: FindingSource;
  /** The commit that added the line (history findings). */
  readonly commit?: string | undefined;
  /** Extra context, e.g. "the .env file is not git-ignored". */
  readonly note?: string | undefined;
}

/** What a scan looked at and what it found. */
export interface ScanResult {
  readonly findings: readonly ScanFinding[];
  /** Files read (history and staged scans count changed files). */
  readonly filesScanned: number;
  /** Files left out: binary, larger than the limit, or .env files git ignores. */
  readonly filesSkipped: number;
  /** Commits read by `--git-history`. */
  readonly commitsScanned: number;
  readonly durationMs: number;
}
