import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanHfToken, SecretProviderError } from "@hf-secrets/core";
import {
  linearRatioAsync as asyncLinearRatio,
  propertyRuns,
  prototypesIntact as prototypesUntouched,
  recordResult,
  reliabilityRecorder,
} from "@hf-secrets/testing/properties";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHfCli } from "../src/index.js";
import { parseStoredTokens, StoredTokensSyntaxError } from "../src/stored-tokens.js";

// Hostile `stored_tokens` and token files through the hf-cli provider (a file per case). Properties: the token
// huggingface_hub's reading gives, or a documented error; no prototype pollution; linear time on 1 MiB files.
// Case counts are recorded for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set.

const numRuns = propertyRuns;
const { property: check } = reliabilityRecorder("@hf-secrets/hf-cli", "hf-cli");
/** Names a hostile input could write through `__proto__`: none may show up on a fresh object. */
const PROBE_KEYS = ["hf_token", "ci"];
const prototypesIntact = () => prototypesUntouched(PROBE_KEYS);
const DOCUMENTED = new Set(["NOT_FOUND", "INVALID_CONFIGURATION", "MALFORMED_SECRET"]);

const piece = fc.constantFrom(
  "[ci]",
  "[DEFAULT]",
  "[__proto__]",
  "[constructor]",
  "[hasOwnProperty]",
  "[",
  "]",
  "hf_token",
  "HF_TOKEN",
  "__proto__",
  "=",
  " = ",
  ":",
  "\n",
  "\r\n",
  "\r",
  "  ",
  "\t",
  "#",
  ";",
  "hf_x",
  "x",
  "\ufeff",
  "\u00a0",
  "\u0085",
);
const iniText = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 100 }),
);
const TOKEN_NAMES = ["ci", "DEFAULT", "__proto__", "constructor", "hasOwnProperty", "x"] as const;

describe("hf-cli: hostile stored_tokens and token files through the provider", () => {
  let home = "";
  beforeAll(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-hostile-hf-cli-")));
    await chmod(home, 0o700);
  });
  afterAll(() => rm(home, { recursive: true, force: true }));
  const write = async (name: string, content: string | Uint8Array) => {
    await writeFile(join(home, name), content, { mode: 0o600 });
    await chmod(join(home, name), 0o600);
  };

  it(
    `stored_tokens with any content, any token name → huggingface_hub's token, or a documented error (${numRuns} files)`,
    () =>
      check(
        "stored-tokens-files",
        "stored_tokens files with any content ([__proto__]/[DEFAULT] sections, continuations, CR/LF, BOM) and any token name through fromHfCli → the token configparser gives, or NOT_FOUND/INVALID_CONFIGURATION; no prototype pollution",
        fc.asyncProperty(iniText, fc.constantFrom(...TOKEN_NAMES), async (text, tokenName) => {
          await write("stored_tokens", text);
          let expected: string | undefined;
          try {
            expected = parseStoredTokens(text).get(tokenName);
          } catch (error) {
            if (!(error instanceof StoredTokensSyntaxError)) throw error;
          }
          try {
            const value = await fromHfCli({ env: { HF_HOME: home }, tokenName }).getSecret("HF_TOKEN");
            return (
              prototypesIntact() && expected !== undefined && value.value.reveal() === cleanHfToken(expected)
            );
          } catch (error) {
            if (!SecretProviderError.isInstance(error) || !DOCUMENTED.has(error.code)) throw error;
            return prototypesIntact();
          }
        }),
      ),
    300_000,
  );

  it(
    `a token file with any bytes → the cleaned token, or a documented error (${numRuns} files)`,
    () =>
      check(
        "token-files",
        "token files with any bytes (invalid UTF-8, BOM, CR/LF, whitespace) through fromHfCli → the token cleaned like huggingface_hub, or NOT_FOUND/MALFORMED_SECRET",
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 48 }),
            fc.string({ maxLength: 48 }).map((s) => Buffer.from(s)),
          ),
          async (bytes) => {
            await write("token", bytes);
            let text: string | undefined;
            try {
              text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
                .decode(bytes)
                .replace(/\r\n?/g, "\n");
            } catch {
              text = undefined;
            }
            try {
              const value = await fromHfCli({ env: { HF_HOME: home } }).getSecret("HF_TOKEN");
              return text !== undefined && value.value.reveal() === cleanHfToken(text);
            } catch (error) {
              if (!SecretProviderError.isInstance(error) || !DOCUMENTED.has(error.code)) throw error;
              return prototypesIntact();
            }
          },
        ),
      ),
    300_000,
  );

  it("1 MiB stored_tokens files read in linear time through the provider", async () => {
    const shapes: Record<string, (n: number) => string> = {
      "many sections": (n) =>
        Array.from({ length: Math.floor(n / 16) }, (_, i) => `[s${i}]\nhf_token=x\n`).join(""),
      "deep continuation": (n) => `[ci]\nhf_token = x\n${"  c\n".repeat(Math.floor(n / 4))}`,
      "brackets without a close": (n) => `[ci]\nhf_token=x\n${"[".repeat(n - 20)}`,
      "whitespace runs": (n) => `[ci]\n${" \u3000".repeat(Math.floor(n / 4))}hf_token = x\n`,
    };
    for (const [label, make] of Object.entries(shapes)) {
      const { small, large, ratio } = await asyncLinearRatio(
        () =>
          fromHfCli({ env: { HF_HOME: home }, tokenName: "ci" })
            .getSecret("HF_TOKEN")
            .catch(() => undefined),
        (size) => write("stored_tokens", make(size)),
      );
      recordResult("linear-time", `hf-cli-${label.replace(/\W+/g, "-")}`, {
        package: "@hf-secrets/hf-cli",
        title: `fromHfCli on a 1 MiB stored_tokens: ${label}`,
        small,
        large,
        ratio,
        ok: ratio <= 24,
      });
      expect(ratio, `${label}: ×${ratio.toFixed(1)}`).toBeLessThanOrEqual(24);
    }
  }, 120_000);
});
