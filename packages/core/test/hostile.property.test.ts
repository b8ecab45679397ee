import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  propertyRuns,
  prototypesIntact as prototypesUntouched,
  recordResult,
  reliabilityRecorder,
} from "@hf-secrets/testing/properties";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRetryAfter } from "../src/backoff.js";
import { readConfigFile, validateConfig } from "../src/config.js";
import { SecretProviderError } from "../src/errors.js";

// Hostile input for core's parsers: Retry-After headers, config objects, and config files (JSON and YAML).
// Properties: no prototype pollution, only documented errors, linear time on 1 MiB. Case counts are recorded
// for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set (scripts/reliability-report.mjs).

const numRuns = propertyRuns;
const { property, linear } = reliabilityRecorder("@hf-secrets/core", "core");
/** Names a hostile input could write through `__proto__`: none may show up on a fresh object. */
const PROBE_KEYS = ["chain", "environments"];
const prototypesIntact = () => prototypesUntouched(PROBE_KEYS);
// Writing a file per case is slow: the file-based properties run a tenth of the cases (at least 500); the same
// documents are validated as parsed objects at the full count.
const fileRuns = Math.max(500, Math.floor(numRuns / 10));

const hostileKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "environments",
  "chain",
  "policy",
  "cache",
  "production",
  "",
  " ",
  "é",
  "a.b",
  "0",
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, -1, 1e308, Number.NaN, "", "env", "aws", "__proto__", "read"),
    fc.string({ maxLength: 20 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A config-shaped object with hostile names and values in every position. */
const configLike = fc.oneof(
  hostileValue,
  fc.record(
    {
      environments: fc.dictionary(
        fc.oneof(hostileKey, fc.string({ maxLength: 12 })),
        fc.record(
          {
            chain: fc.oneof(
              fc.array(
                fc.oneof(
                  fc.constantFrom("env", "aws", "dotenv", "@acme/x", "__proto__"),
                  fc.string({ maxLength: 10 }),
                  hostileValue,
                ),
                { maxLength: 4 },
              ),
              hostileValue,
            ),
            policy: hostileValue,
            cache: hostileValue,
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 4 },
      ),
      $schema: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: [] },
  ),
);

/** validateConfig either returns a config without inherited surprises, or throws INVALID_CONFIGURATION. */
function checkValidate(raw: unknown, file?: string): boolean {
  let config: ReturnType<typeof validateConfig> | undefined;
  try {
    config = validateConfig(raw, file);
  } catch (error) {
    if (!SecretProviderError.isInstance(error) || error.code !== "INVALID_CONFIGURATION") throw error;
  }
  if (!prototypesIntact()) return false;
  if (config !== undefined) {
    if (Object.getPrototypeOf(config.environments) !== null) return false;
    for (const name of Object.keys(config.environments)) {
      const env = config.environments[name]!;
      if (!Array.isArray(env.chain) || env.chain.length === 0) return false;
      for (const entry of env.chain) {
        if (typeof entry !== "string" && Object.getPrototypeOf(entry) !== null) return false;
      }
    }
  }
  return true;
}

const DIGITS = fc.stringMatching(/^\s{0,3}\d{0,12}\s{0,3}$/);
const DATE_LIKE = fc
  .tuple(
    fc.constantFrom("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Sunday", "Xyz"),
    fc.constantFrom(", ", " ", ","),
    fc.integer({ min: -5, max: 40 }),
    fc.constantFrom(" Oct ", "-Oct-", " Foo ", " "),
    fc.integer({ min: -100, max: 99_999 }),
    fc.constantFrom(" 07:28:00", " 99:99:99", " 7:28", ""),
    fc.constantFrom(" GMT", "", " UTC", " +0100"),
  )
  .map((parts) => parts.join(""));

describe("core: hostile input", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hf-secrets-hostile-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`parseRetryAfter: any header gives undefined or a whole, finite, non-negative delay (${numRuns} runs)`, () =>
    property(
      "retry-after",
      "parseRetryAfter: any header → undefined or a whole, finite delay ≥ 0; never throws",
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ unit: "grapheme", maxLength: 40 }),
          DIGITS,
          DATE_LIKE,
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (header, now) => {
          const ms = parseRetryAfter(header, now);
          return ms === undefined || (Number.isInteger(ms) && ms >= 0 && Number.isFinite(ms));
        },
      ),
    ));

  it("parseRetryAfter: linear time on 1 MiB headers", () => {
    linear(
      "retry-after-1mib-digits",
      "parseRetryAfter on 1 MiB of digits",
      (s) => parseRetryAfter(s),
      (n) => "9".repeat(n),
    );
    linear(
      "retry-after-1mib-date",
      "parseRetryAfter on a 1 MiB date-like header",
      (s) => parseRetryAfter(s),
      (n) => `Wed, ${" ".repeat(n)}21 Oct 2015 07:28:00 GMT`,
    );
  });

  it(`validateConfig: hostile objects never pollute a prototype and throw only INVALID_CONFIGURATION (${numRuns} runs)`, () =>
    property(
      "validate-config",
      "validateConfig on hostile objects (__proto__/constructor keys, any values) → a null-prototype config or INVALID_CONFIGURATION; no prototype pollution",
      fc.property(configLike, (raw) => checkValidate(raw)),
    ));

  it(`validateConfig: the same checks through JSON.parse, where "__proto__" is an own key (${numRuns} runs)`, () =>
    property(
      "validate-config-json",
      "validateConfig(JSON.parse(text)) with __proto__ as an own key → only INVALID_CONFIGURATION; no pollution",
      fc.property(configLike, (raw) => {
        let text: string;
        try {
          text = JSON.stringify(raw) ?? "null";
        } catch {
          return true;
        }
        const withProto = text.replace(/"(constructor|prototype)"/g, '"__proto__"');
        return checkValidate(JSON.parse(withProto));
      }),
    ));

  it(`readConfigFile: JSON files with any content (${fileRuns} files)`, () =>
    property(
      "read-config-file-json",
      "readConfigFile on .json files with any content (valid JSON configs, mutated JSON, any text, BOM) → config or INVALID_CONFIGURATION",
      fc.asyncProperty(
        fc.oneof(
          configLike.map((raw) => JSON.stringify(raw) ?? "null"),
          fc.json(),
          fc.string({ maxLength: 80 }),
          configLike.map((raw) => `\ufeff${JSON.stringify(raw)}`),
          fc.tuple(configLike, fc.nat(60)).map(([raw, cut]) => (JSON.stringify(raw) ?? "").slice(0, cut)),
        ),
        async (text) => {
          const file = join(dir, "hf-secrets.config.json");
          await writeFile(file, text);
          try {
            await readConfigFile(file);
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || error.code !== "INVALID_CONFIGURATION") throw error;
          }
          return prototypesIntact();
        },
      ),
      fileRuns,
    ));

  it(`readConfigFile: YAML files with any content, aliases and __proto__ keys (${fileRuns} files)`, () =>
    property(
      "read-config-file-yaml",
      "readConfigFile on .yaml files (__proto__ keys, anchors/aliases, tags, any text) → config or INVALID_CONFIGURATION",
      fc.asyncProperty(
        fc.oneof(
          fc
            .array(
              fc.constantFrom(
                "environments:\n",
                "  production:\n",
                "  __proto__:\n",
                "    chain: [env, aws]\n",
                "    chain: *a\n",
                "    chain: &a [env]\n",
                "    policy: {deny: [dotenv]}\n",
                "__proto__: {polluted: true}\n",
                "constructor: {prototype: {polluted: true}}\n",
                "<<: {polluted: true}\n",
                "!!js/function x: y\n",
                "? [a, b]\n: c\n",
                "  - x\n",
                "key: 'unterminated\n",
                "\t\n",
              ),
              { maxLength: 8 },
            )
            .map((lines) => lines.join("")),
          fc.string({ maxLength: 80 }),
        ),
        async (text) => {
          const file = join(dir, "hf-secrets.config.yaml");
          await writeFile(file, text);
          try {
            await readConfigFile(file);
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || error.code !== "INVALID_CONFIGURATION") throw error;
          }
          return prototypesIntact();
        },
      ),
      fileRuns,
    ));

  it("readConfigFile: a YAML alias bomb is refused quickly", async () => {
    const file = join(dir, "bomb.yaml");
    const levels = Array.from(
      { length: 10 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(", ")}]`,
    );
    await writeFile(file, `l0: &l0 [x]\n${levels.join("\n")}\nenvironments: {production: {chain: [env]}}\n`);
    const started = performance.now();
    const error = await readConfigFile(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    recordResult("hostile-case", "core-yaml-alias-bomb", {
      package: "@hf-secrets/core",
      title: "YAML alias bomb (10 levels × 10 aliases) in a config file",
      ok: SecretProviderError.isInstance(error) && elapsed < 2_000,
      outcome: SecretProviderError.isInstance(error) ? error.code : String(error),
      elapsedMs: Math.round(elapsed),
    });
    expect(SecretProviderError.isInstance(error) && error.code).toBe("INVALID_CONFIGURATION");
    expect(elapsed).toBeLessThan(2_000);
  });

  it("reading a YAML config writes nothing to stderr (no process warning: the SDK is silent)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    const file = join(dir, "tags.yaml");
    try {
      for (const text of [
        "environments:\n  production:\n    chain: [!custom env]\n",
        "%FOO bar\n---\nenvironments: {production: {chain: [env]}}\n",
      ]) {
        await writeFile(file, text);
        await readConfigFile(file).catch(() => undefined);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    recordResult("hostile-case", "core-yaml-warnings", {
      package: "@hf-secrets/core",
      title: "a YAML config with an unknown tag or directive: no process warning on stderr",
      ok: warnings.length === 0,
      outcome: warnings.length === 0 ? "silent" : `${warnings.length} process warnings: ${warnings[0]}`,
    });
    expect(warnings).toEqual([]);
  });

  it("validateConfig and config files: linear time on 1 MiB", async () => {
    const manyEnvironments = (n: number) =>
      `{"environments":{${Array.from({ length: Math.floor(n / 40) }, (_, i) => `"e${i}":{"chain":["env"]}`).join(",")}}}`;
    linear(
      "validate-1mib-environments",
      "validateConfig(JSON.parse(1 MiB of environments))",
      (s) => validateConfig(JSON.parse(s)),
      manyEnvironments,
    );
    const longChain = (n: number) =>
      `{"environments":{"p":{"chain":[${Array(Math.floor(n / 6))
        .fill('"env"')
        .join(",")}]}}}`;
    linear(
      "validate-1mib-chain",
      "validateConfig(JSON.parse(a 1 MiB chain))",
      (s) => validateConfig(JSON.parse(s)),
      longChain,
    );
    const badKey = (n: number) => `{"environments":{"p":{"chain":["env"],"${"x".repeat(n)}":1}}}`;
    linear(
      "validate-1mib-unknown-key",
      "validateConfig with a 1 MiB unknown key (did-you-mean)",
      (s) => {
        try {
          validateConfig(JSON.parse(s));
        } catch {
          // expected
        }
      },
      badKey,
    );
    // Through files: reading and the error position of invalid JSON/YAML, timed the same way (fastest of 3).
    for (const [id, make] of [
      ["file-json-invalid-at-end", (n: number) => `${manyEnvironments(n)}x`],
      ["file-json-deep", (n: number) => "[".repeat(n)],
    ] as const) {
      const file = join(dir, "linear.json");
      const time = async (size: number) => {
        await writeFile(file, make(size));
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          await readConfigFile(file).catch(() => undefined);
          best = Math.min(best, performance.now() - started);
        }
        return Math.max(best, 0.5);
      };
      await time(64 * 1024);
      const small = await time(256 * 1024);
      const large = await time(1024 * 1024);
      const ratio = large / small;
      recordResult("linear-time", `core-${id}`, {
        package: "@hf-secrets/core",
        title: `readConfigFile on 1 MiB: ${id}`,
        small,
        large,
        ratio,
        ok: ratio <= 10,
      });
      expect(ratio, `${id}: ×${ratio.toFixed(1)}`).toBeLessThanOrEqual(10);
    }
  }, 120_000);

  it("a deeply nested YAML config, read twice, is refused without crashing the process", async () => {
    // yaml's parser recurses per flow level and fails with RESOURCE_EXHAUSTION; on Node 20 the second such
    // read aborts the whole process (V8: "RegExpCompiler Allocation failed - process out of memory"), which no
    // catch can stop. HfSecrets retries a failed resolution, so an app reads a broken config more than once.
    // Run in a child process (the built package): a crash must not take the test runner down with it.
    const file = join(dir, "deep.yaml");
    await writeFile(file, "[".repeat(1_000));
    const script = `const { readConfigFile } = await import("@hf-secrets/core"); for (let i = 0; i < 2; i++) { const e = await readConfigFile(${JSON.stringify(file)}).then(() => undefined, (x) => x); process.stdout.write((e?.code ?? "no error") + "\\n"); }`;
    const outcome = await new Promise<{
      code: number | null;
      signal: string | null;
      out: string;
      err: string;
    }>((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, out, err });
      });
    });
    const codes = outcome.out.trim().split("\n").filter(Boolean);
    const crashed = outcome.code !== 0;
    recordResult("hostile-case", "core-yaml-deep-nesting-twice", {
      package: "@hf-secrets/core",
      title: 'a 1 KB YAML config of 1 000 nested "[" read twice in one process',
      ok: !crashed && codes.length === 2 && codes.every((c) => c === "INVALID_CONFIGURATION"),
      outcome: crashed
        ? `process aborted (exit ${outcome.code ?? outcome.signal}) after ${codes.length} read(s): ${/FATAL ERROR: [^\n]*/.exec(outcome.err)?.[0] ?? "no message"}`
        : codes.join(", "),
    });
    expect({ crashed, codes }).toEqual({
      crashed: false,
      codes: ["INVALID_CONFIGURATION", "INVALID_CONFIGURATION"],
    });
  }, 60_000);

  it("a 1 MiB YAML config with many keys reads in time linear in its keys", async () => {
    // 1 MiB, about 100 000 keys, two shapes of the same size and key count: one map holding every key, and a
    // list of one-key maps (the control). A reader whose cost is linear in the keys reads both in about the same
    // time; a per-key cost that grows with the map's size (yaml's uniqueKeys compares each new key with every
    // earlier one) makes the one-map shape explode. The ratio of the two is load-independent; timed in a child
    // process (the built package), so a superlinear read is stopped at 3× the control instead of being waited for.
    const keys = (n: number) => Math.floor(n / 10);
    const oneMap = (n: number) =>
      `environments:\n${Array.from({ length: keys(n) }, (_, i) => `  e${i}: 0\n`).join("")}`;
    const control = (n: number) =>
      `environments:\n${Array.from({ length: keys(n) }, (_, i) => `- e${i}: 0\n`).join("")}`;
    const timeInChild = async (name: string, text: string, limitMs: number): Promise<number | undefined> => {
      const file = join(dir, name);
      await writeFile(file, text);
      const script = `const { readConfigFile } = await import("@hf-secrets/core"); await readConfigFile(${JSON.stringify(file)}).catch(() => {}); const t = performance.now(); await readConfigFile(${JSON.stringify(file)}).catch(() => {}); process.stdout.write(String(performance.now() - t));`;
      return new Promise((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
          stdio: ["ignore", "pipe", "ignore"],
        });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
        child.on("close", () => {
          clearTimeout(timer);
          resolve(out === "" ? undefined : Number(out));
        });
      });
    };
    const size = 1024 * 1024;
    const base = (await timeInChild("control.yaml", control(size), 100_000)) ?? 100_000;
    const limit = base * 3 + 1_000;
    const measured = await timeInChild("one-map.yaml", oneMap(size), limit * 2);
    const ratio = measured === undefined ? Number.POSITIVE_INFINITY : measured / base;
    recordResult("linear-time", "core-file-yaml-many-keys", {
      package: "@hf-secrets/core",
      title: `readConfigFile on 1 MiB of YAML: one map of ${keys(size)} keys vs the same keys in one-key maps`,
      small: base,
      large: measured ?? `stopped after ${Math.round(limit * 2)} ms`,
      ratio: Number.isFinite(ratio) ? ratio : "over ×6",
      method: "same-size control (one map vs one-key maps), ≤ 3×",
      ok: ratio <= 3,
    });
    expect(
      ratio,
      measured === undefined
        ? `stopped after ${Math.round(limit * 2)} ms (control: ${Math.round(base)} ms)`
        : `×${ratio.toFixed(1)} the control`,
    ).toBeLessThanOrEqual(3);
  }, 120_000);
});
