import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanHfToken, SecretProviderError } from "@hf-secrets/core";
import {
  linearRatioAsync as asyncLinearRatio,
  propertyRuns,
  prototypesIntact as prototypesUntouched,
  recordResult,
} from "@hf-secrets/testing/properties";
import { parse } from "dotenv";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDotenv } from "../src/index.js";

// Hostile `.env` files through the dotenv provider (a file per case). Properties: the value dotenv's own parser
// gives (own keys only), or a documented error; no prototype pollution; linear time on 1 MiB files. Case
// counts are recorded for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set.

const numRuns = propertyRuns;
/** Names a hostile input could write through `__proto__`: none may show up on a fresh object. */
const PROBE_KEYS = ["OTHER", "HF_TOKEN"];
const prototypesIntact = () => prototypesUntouched(PROBE_KEYS);
/** What fromDotenv may throw for any file content (README: "Failure modes"). */
const DOCUMENTED = new Set(["NOT_FOUND", "MALFORMED_SECRET", "INVALID_CONFIGURATION"]);

const piece = fc.constantFrom(
  "HF_TOKEN",
  "HUGGING_FACE_HUB_TOKEN",
  "OTHER",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "export ",
  "=",
  " = ",
  ":",
  "\n",
  "\r\n",
  "\r",
  "#",
  "'",
  '"',
  "`",
  "\\n",
  "$OTHER",
  "$(id)",
  "encrypted:",
  "encrypted:QUJD",
  "hf_x",
  "\ufeff",
  "\u2028",
  "\u00a0",
  "\t",
  " ",
  "x",
);
const envText = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 100 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
const NAMES = ["HF_TOKEN", "OTHER", "__proto__", "constructor", "hasOwnProperty"] as const;

describe("dotenv: hostile .env files through the provider", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-hostile-dotenv-")));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (text: string) => {
    await writeFile(join(dir, ".env"), text, { mode: 0o600 });
    await chmod(join(dir, ".env"), 0o600);
  };

  it(`any file content → dotenv's own value for the key, or a documented error (${numRuns} files)`, async () => {
    const provider = fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false });
    const started = performance.now();
    const details = await fc.check(
      fc.asyncProperty(envText, fc.constantFrom(...NAMES), async (text, name) => {
        await write(text);
        const parsed = parse(text);
        try {
          const value = (await provider.getSecret(name)).value.reveal();
          if (name === "HF_TOKEN") {
            const raw = parsed.HF_TOKEN || parsed.HUGGING_FACE_HUB_TOKEN;
            return prototypesIntact() && raw !== undefined && value === cleanHfToken(raw);
          }
          return prototypesIntact() && Object.hasOwn(parsed, name) && value === parsed[name];
        } catch (error) {
          if (!SecretProviderError.isInstance(error) || !DOCUMENTED.has(error.code)) throw error;
          return prototypesIntact();
        }
      }),
      { numRuns },
    );
    recordResult("property", "dotenv-provider-files", {
      package: "@hf-secrets/dotenv",
      title:
        ".env files with any content through fromDotenv (hostile keys __proto__/constructor, quotes, encrypted:, $(...), BOM, Unicode) → dotenv's own value, or NOT_FOUND/MALFORMED_SECRET/INVALID_CONFIGURATION; no prototype pollution",
      runs: details.numRuns,
      requested: numRuns,
      ok: !details.failed,
      durationMs: Math.round(performance.now() - started),
      ...(details.failed ? { counterexample: fc.stringify(details.counterexample).slice(0, 300) } : {}),
    });
    if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? "property failed");
  }, 300_000);

  it("1 MiB .env files read in linear time through the provider", async () => {
    const provider = fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false });
    const shapes: Record<string, (n: number) => string> = {
      "newlines then a stray character": (n) => `${"\n".repeat(n - 1)}x`,
      "many keys": (n) => Array.from({ length: Math.floor(n / 12) }, (_, i) => `K${i}=value\n`).join(""),
      "one long quoted value": (n) => `HF_TOKEN="${"a\\n".repeat(Math.floor(n / 3))}"\n`,
      "an unterminated quote": (n) => `HF_TOKEN="${"a ".repeat(Math.floor(n / 2))}\n`,
      "many duplicate assignments": (n) => "HF_TOKEN=hf_x\n".repeat(Math.floor(n / 14)),
    };
    for (const [label, make] of Object.entries(shapes)) {
      const { small, large, ratio } = await asyncLinearRatio(
        () => provider.getSecret("HF_TOKEN").catch(() => undefined),
        (size) => write(make(size)),
      );
      recordResult("linear-time", `dotenv-${label.replace(/\W+/g, "-")}`, {
        package: "@hf-secrets/dotenv",
        title: `fromDotenv on a 1 MiB .env: ${label}`,
        small,
        large,
        ratio,
        ok: ratio <= 24,
      });
      expect(ratio, `${label}: ×${ratio.toFixed(1)}`).toBeLessThanOrEqual(24);
    }
  }, 120_000);
});
