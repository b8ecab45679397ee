// How a section hands its figures to the runner: one JSON file per section, path given by the runner.
import { writeFileSync } from "node:fs";

/**
 * A section result:
 * { id, title, method: string[], tables: [{ title, columns, rows, notes? }], targets: [Target], notes: string[] }
 * Target: { id, what, target, measured, met: boolean | null | "info", why?: string, fix?: string }
 * (`met: null` means "not measured" — the note says why; "info" is a figure the issue sets no target for.)
 */
export function writeResult(result) {
  const out = process.env.HF_BENCH_RESULT;
  const json = JSON.stringify(result, null, 2);
  if (out) writeFileSync(out, json);
  else process.stdout.write(`${json}\n`);
}

/** Builds a target row. `met` is computed by the caller so the comparison is explicit in each section. */
export function target(id, what, targetText, measured, met, extra = {}) {
  return { id, what, target: targetText, measured, met, ...extra };
}

/** Progress lines go to stderr so the runner can show them; never a secret. */
export function progress(section, message) {
  process.stderr.write(`[bench:${section}] ${message}\n`);
}
