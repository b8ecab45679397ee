import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expectLinearTime } from "./linear-time.js";

/** fast-check cases per property: `HF_SECRETS_FC_RUNS`, default 10 000 (what CI runs). */
export const propertyRuns = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

/**
 * Writes one result as JSON to `$HF_SECRETS_RESULTS_DIR/<kind>--<id>.json` (nothing when the variable is unset):
 * `scripts/reliability-report.mjs` renders docs/reliability.md from these files.
 */
export function recordResult(kind: string, id: string, data: Record<string, unknown>): void {
  const dir = process.env.HF_SECRETS_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${kind}--${id}.json`), `${JSON.stringify({ kind, id, ...data }, null, 2)}\n`);
}

/** The property and linear-time checks of one package, recorded for the reliability report. */
export interface ReliabilityRecorder {
  /** Runs a fast-check property (sync or async), records its case count, fails with fast-check's report. */
  property<Ts>(id: string, title: string, prop: fc.IRawProperty<Ts>, runs?: number): Promise<void>;
  /** {@link expectLinearTime}, recorded. */
  linear(id: string, title: string, run: (input: string) => unknown, make: (size: number) => string): void;
  /** Records a linear-time result measured another way (e.g. {@link linearRatioAsync}). */
  recordLinear(id: string, title: string, result: Record<string, unknown>): void;
}

/**
 * Creates the recorder for one package: results are named `<prefix>-<id>` and carry the package name.
 *
 * @example
 * const { property, linear } = reliabilityRecorder("@hf-secrets/aws", "aws");
 */
export function reliabilityRecorder(packageName: string, prefix: string): ReliabilityRecorder {
  return {
    async property(id, title, prop, runs = propertyRuns) {
      const started = performance.now();
      const details = await fc.check(prop, { numRuns: runs });
      recordResult("property", `${prefix}-${id}`, {
        package: packageName,
        title,
        runs: details.numRuns,
        requested: runs,
        ok: !details.failed,
        durationMs: Math.round(performance.now() - started),
        ...(details.failed ? { counterexample: fc.stringify(details.counterexample).slice(0, 300) } : {}),
      });
      if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? "property failed");
    },
    linear(id, title, run, make) {
      try {
        const result = expectLinearTime(run, make);
        recordResult("linear-time", `${prefix}-${id}`, { package: packageName, title, ...result, ok: true });
      } catch (error) {
        recordResult("linear-time", `${prefix}-${id}`, {
          package: packageName,
          title,
          ok: false,
          error: (error as Error).message,
        });
        throw error;
      }
    },
    recordLinear(id, title, result) {
      recordResult("linear-time", `${prefix}-${id}`, { package: packageName, title, ...result });
    },
  };
}

/**
 * True when `Object.prototype` came out of a hostile case as it went in: no enumerable key was added, and none
 * of `probeKeys` (names a parser could have written through `__proto__`) is visible on a fresh object.
 */
export function prototypesIntact(probeKeys: readonly string[] = []): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    Object.keys(Object.prototype).length === 0 &&
    Object.getPrototypeOf(probe) === Object.prototype &&
    ["polluted", ...probeKeys].every((key) => probe[key] === undefined)
  );
}

/**
 * The async counterpart of {@link expectLinearTime}'s measurement (128 KiB vs 1 MiB): `prepare(size)` sets the
 * input up (e.g. writes a file), then each size is timed alternately for 5 rounds (so both see the same machine
 * load), keeping the fastest. Returns the figures; the caller compares `ratio` with its bound (linear ≈ 8).
 */
export async function linearRatioAsync(
  run: () => Promise<unknown>,
  prepare: (size: number) => Promise<void>,
): Promise<{ small: number; large: number; ratio: number }> {
  const best = { small: Number.POSITIVE_INFINITY, large: Number.POSITIVE_INFINITY };
  const sample = async (which: "small" | "large", size: number) => {
    await prepare(size);
    const collect = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 2; i++) {
      collect?.();
      const started = performance.now();
      await run();
      if (i > 0 || which === "small") best[which] = Math.min(best[which], performance.now() - started);
    }
  };
  for (let round = 0; round < 5; round++) {
    await sample("small", 128 * 1024);
    await sample("large", 1024 * 1024);
  }
  const small = Math.max(best.small, 0.5);
  const large = Math.max(best.large, 0.5);
  return { small, large, ratio: large / small };
}
