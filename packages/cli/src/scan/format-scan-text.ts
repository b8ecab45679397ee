import type { Style } from "../report/style.js";
import type { ScanResult } from "./finding.js";
import { SCAN_RULES } from "./scan-rules.js";

/** Renders a scan as lines a person reads: `path:line:column  rule  mask  (note)`, then a summary and the fix. */
export function formatScanText(result: ScanResult, style: Style): string {
  const lines: string[] = [];
  for (const finding of result.findings) {
    const where =
      finding.source === "history"
        ? `${finding.commit?.slice(0, 12)} ${finding.path}:${finding.line}:${finding.column}`
        : `${finding.source === "staged" ? "staged " : ""}${finding.path}:${finding.line}:${finding.column}`;
    const note = finding.note ? style.dim(`  (${finding.note})`) : "";
    lines.push(`${style.bold(where)}  ${style.red(finding.ruleId)}  ${finding.masked}${note}`);
  }
  const summary = `scanned ${result.filesScanned} file${result.filesScanned === 1 ? "" : "s"}${result.commitsScanned > 0 ? ` and ${result.commitsScanned} commit${result.commitsScanned === 1 ? "" : "s"}` : ""} in ${result.durationMs} ms`;
  if (result.findings.length === 0) {
    lines.push(style.green(`✓ no Hugging Face token found (${summary})`));
    return `${lines.join("\n")}\n`;
  }
  const count = result.findings.length;
  lines.push("");
  lines.push(style.red(`✗ ${count} hardcoded credential${count === 1 ? "" : "s"} found (${summary})`));
  const found = new Set(result.findings.map((f) => f.ruleId));
  for (const rule of SCAN_RULES.filter((r) => found.has(r.id))) {
    lines.push(`  ${style.yellow(`${rule.id}:`)} ${rule.help}`);
  }
  lines.push(
    style.dim(
      "  A false positive? Add `hf-secrets-scan:ignore` to the line, or its path to .hf-secrets-scan-ignore.",
    ),
  );
  return `${lines.join("\n")}\n`;
}
