import type { Stats } from "node:fs";
import type { SecretWarning } from "./contract.js";
import { SecretProviderError } from "./errors.js";

/** Who the process is, for the owner check; default `process.getuid()` (undefined on Windows: no check). */
export interface HygieneIdentity {
  readonly uid?: number | undefined;
}

/** One hygiene problem of a file: what is wrong and the command that fixes it. */
export interface HygieneFinding {
  /** `LOOSE_PERMISSIONS` or `FOREIGN_OWNER`. */
  readonly code: "LOOSE_PERMISSIONS" | "FOREIGN_OWNER";
  /** The file. */
  readonly location: string;
  /** What is wrong. */
  readonly problem: string;
  /** How to fix it (a shell command). */
  readonly fix: string;
}

/**
 * Checks a secret file's mode and owner (POSIX only): readable or writable by group or others →
 * `LOOSE_PERMISSIONS`; owned by another user (who can then change it) → `FOREIGN_OWNER`. A file holding a secret
 * (a CLI token file, a `.env`) should be 0600 and owned by the user who runs the process; huggingface_hub writes
 * its files that way, so a finding means someone copied or created the file by hand.
 */
export function checkFileHygiene(
  stats: Stats,
  path: string,
  identity: HygieneIdentity = {},
): HygieneFinding[] {
  if (process.platform === "win32") return [];
  const findings: HygieneFinding[] = [];
  const mode = stats.mode & 0o777;
  const quoted = shellQuote(path);
  if ((mode & 0o066) !== 0) {
    const who = [(mode & 0o060) !== 0 ? "its group" : "", (mode & 0o006) !== 0 ? "every user" : ""].filter(
      Boolean,
    );
    const what = [(mode & 0o044) !== 0 ? "read" : "", (mode & 0o022) !== 0 ? "changed" : ""].filter(Boolean);
    findings.push({
      code: "LOOSE_PERMISSIONS",
      location: path,
      problem: `${path} can be ${what.join(" and ")} by ${who.join(" and ")} (mode ${formatMode(mode)}).`,
      fix: `Run \`chmod 600 ${quoted}\`.`,
    });
  }
  const uid = "uid" in identity ? identity.uid : process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    findings.push({
      code: "FOREIGN_OWNER",
      location: path,
      problem: `${path} belongs to another user (uid ${stats.uid}; this process runs as uid ${uid}), who can replace its content.`,
      fix: `Make it yours (\`chown ${uid} ${quoted}\`) and run \`chmod 600 ${quoted}\`.`,
    });
  }
  return findings;
}

/** A finding as the warning a `SecretValue` carries (and `cached()` emits as a `warning` event). */
export function hygieneWarning(finding: HygieneFinding): SecretWarning {
  return { code: finding.code, location: finding.location, message: `${finding.problem} ${finding.fix}` };
}

/**
 * In strict mode a hygiene finding is an error. `INVALID_CONFIGURATION`, not `ACCESS_DENIED`: nothing refused
 * our identity (that is what `ACCESS_DENIED` reports for a backend); the file's setup is wrong and the fix is
 * local (`chmod`/`chown`). Either code stops a chain, so a loose file is never silently skipped.
 */
export function hygieneError(
  provider: string,
  finding: HygieneFinding,
  secretName: string,
): SecretProviderError {
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider,
    secretName,
    location: finding.location,
    message: `Refusing to read a secret from ${finding.location} in strict mode (${finding.code}): ${finding.problem}`,
    fix: finding.fix,
  });
}

function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}

/** Quotes a path for a copy-pasted shell command when it needs quoting. */
export function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
