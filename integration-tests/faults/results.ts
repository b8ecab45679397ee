import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// Every reliability suite (faults, leaks, hostile input, property tests) writes what it observed as JSON files;
// scripts/reliability-report.mjs renders them into docs/reliability.md. Nothing in the report is typed by hand.

/** Where results go: `$HF_SECRETS_RESULTS_DIR`, else `integration-tests/.results` (git-ignored). */
export const RESULTS_DIR = resolve(process.env.HF_SECRETS_RESULTS_DIR ?? "integration-tests/.results");

/** One named check of a result: what was asserted and whether it held. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string | undefined;
}

/** Collects checks, so a result is written (with its failures) before the test's assertions throw. */
export class Checks {
  readonly list: Check[] = [];

  /** Records one check. */
  that(name: string, ok: boolean, detail?: string): boolean {
    this.list.push({ name, ok, ...(detail === undefined ? {} : { detail }) });
    return ok;
  }

  get ok(): boolean {
    return this.list.every((check) => check.ok);
  }

  /** Throws one error listing every failed check. */
  assertAll(): void {
    const failed = this.list.filter((check) => !check.ok);
    if (failed.length > 0) {
      throw new Error(
        `failed checks:\n${failed.map((c) => `  - ${c.name}${c.detail ? ` (${c.detail})` : ""}`).join("\n")}`,
      );
    }
  }
}

/** Writes one result file; `kind` groups results in the report (`fault-cell`, `leak-channel`, ...). */
export function record(kind: string, id: string, data: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${kind}--${id.replace(/[^\w.-]+/g, "_")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ kind, id, recordedAt: new Date().toISOString(), ...data }, null, 2)}\n`,
  );
}

/** Seconds with one decimal, for summaries. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}
