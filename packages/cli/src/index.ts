export { registerDoctor } from "./commands/doctor.js";
export { registerExec } from "./commands/exec.js";
export { registerGet } from "./commands/get.js";
export { registerScan } from "./commands/scan.js";
export { EXEC_EXIT, FORWARDED_SIGNALS, type RunChildOptions, runChild } from "./exec/run-child.js";
export {
  type DockerfileAssignment,
  isDockerfileName,
  parseDockerfileAssignments,
} from "./files/dockerfile.js";
export { type CliIo, processIo, type SignalSource } from "./io.js";
export { createProgram, EXIT, runCli } from "./program.js";
export type { DoctorVerification } from "./report/checks/verification-checks.js";
export type { DoctorCheck } from "./report/doctor-check.js";
export {
  buildDoctorReport,
  type DoctorAttempt,
  type DoctorOptions,
  type DoctorReport,
  isKnownError,
} from "./report/doctor-report.js";
export { formatDoctorReport } from "./report/format-doctor.js";
export { type Style, styleFor } from "./report/style.js";
export type { FindingSource, ScanFinding, ScanResult } from "./scan/finding.js";
export { SARIF_SCHEMA, type SarifOptions, toSarif } from "./scan/format-sarif.js";
export { formatScanText } from "./scan/format-scan-text.js";
export { IGNORE_FILE_NAME, type IgnoreMatcher, parseIgnorePatterns } from "./scan/ignore-patterns.js";
export { SCAN_RULES, type ScanRule, type ScanRuleId } from "./scan/scan-rules.js";
export { INLINE_IGNORE_MARKER, type ScanTextContext, scanText } from "./scan/scan-text.js";
export { MAX_FILE_BYTES, type ScanOptions, scanForTokens } from "./scan/scanner.js";
export { findTokens, isTokenShaped, type TokenMatch } from "./scan/token-patterns.js";
export { type ResolveSecretsOptions, resolveSecrets } from "./secrets/resolve-secrets.js";
export { UsageError } from "./usage-error.js";
export { CLI_VERSION } from "./version.js";
