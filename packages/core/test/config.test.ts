import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectLinearTime } from "@hf-secrets/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, readConfigFile, validateConfig } from "../src/config.js";
import { jsonErrorPosition } from "../src/json-error-position.js";

const NUM_RUNS = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);

async function tempDir() {
  return mkdtemp(join(tmpdir(), "hf-secrets-config-"));
}

describe("config files", () => {
  it("loads hf-secrets.config.json from the working directory", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "hf-secrets.config.json"),
      JSON.stringify({
        environments: {
          production: {
            chain: ["env", { provider: "aws", secretId: "prod/hf" }],
            policy: { tokenRole: ["read"] },
          },
        },
      }),
    );
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded?.file).toBe(join(dir, "hf-secrets.config.json"));
    expect(loaded?.config.environments.production?.chain).toEqual([
      "env",
      { provider: "aws", secretId: "prod/hf" },
    ]);
  });

  it("loads YAML and defineConfig() modules", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "hf-secrets.config.yaml"),
      "environments:\n  staging:\n    chain: [env]\n    cache: { ttlMs: 1000 }\n",
    );
    expect((await readConfigFile(join(dir, "hf-secrets.config.yaml"))).environments.staging?.cache).toEqual({
      ttlMs: 1000,
    });
    await writeFile(
      join(dir, "hf-secrets.config.mjs"),
      "export default { environments: { development: { chain: ['env'] } } };\n",
    );
    expect(
      (await readConfigFile(join(dir, "hf-secrets.config.mjs"))).environments.development?.chain,
    ).toEqual(["env"]);
  });

  it("returns undefined when there is no config file", async () => {
    expect(await loadConfig({ cwd: await tempDir(), env: {} })).toBeUndefined();
  });

  it("reports malformed JSON with file, line and column, without quoting the content", async () => {
    const dir = await tempDir();
    const file = join(dir, "hf-secrets.config.json");
    const pasted = `hf_${"Q".repeat(34)}`;
    await writeFile(
      file,
      `{\n  "environments": {\n    "development": { "chain": ["env"] "token": "${pasted}" }\n  }\n}\n`,
    );
    const error = await loadConfig({ cwd: dir, env: {} }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      `[hf-secrets] [config] ${file} is not valid JSON at line 3, column 39. Fix: Fix the JSON syntax (a missing comma or quote, or a trailing comma).`,
    );
    expect((error as Error).message).not.toContain(pasted);
  });

  it("reports malformed YAML with line and column", async () => {
    const dir = await tempDir();
    const file = join(dir, "hf-secrets.config.yaml");
    await writeFile(file, "environments:\n  development:\n    chain: [env\n");
    await expect(readConfigFile(file)).rejects.toThrow(/is not valid YAML at line \d+, column \d+/);
  });

  it("names the file and the path of an unknown key, with a suggestion", () => {
    expect(() =>
      validateConfig({ environments: { production: { chian: ["env"] } } }, "/app/hf-secrets.config.json"),
    ).toThrow(
      '[hf-secrets] [config] /app/hf-secrets.config.json: "environments.production.chian" is not a known option (did you mean "chain"?)',
    );
  });

  it("names the path of a wrong type", () => {
    expect(() =>
      validateConfig(
        { environments: { production: { chain: ["env"], policy: { tokenRole: "read" } } } },
        "c.json",
      ),
    ).toThrow('"environments.production.policy.tokenRole" must be an array of strings, got a string');
    expect(() =>
      validateConfig(
        { environments: { production: { chain: ["env"], policy: { tokenRole: ["owner"] } } } },
        "c.json",
      ),
    ).toThrow('contains "owner"; allowed: "read", "write", "fineGrained", "admin"');
    expect(() => validateConfig({ environments: { production: { chain: [] } } }, "c.json")).toThrow(
      "must be a non-empty array",
    );
    expect(() =>
      validateConfig({ environments: { production: { chain: [{ secretId: "x" }] } } }, "c.json"),
    ).toThrow('"environments.production.chain[0].provider" is required');
    expect(() => validateConfig([], "c.json")).toThrow("must be an object, got an array");
  });

  it("cannot be used to pollute prototypes", () => {
    const raw = JSON.parse('{"environments": {"__proto__": {"chain": ["env"]}}}');
    expect(() => validateConfig(raw)).toThrow(/not a valid environment name/);
    const viaKey = JSON.parse('{"__proto__": {"polluted": true}, "environments": {}}');
    expect(() => validateConfig(viaKey)).toThrow(/not a known option/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("jsonErrorPosition", () => {
  it("returns the end for valid JSON and a position inside the text for invalid JSON", () => {
    fc.assert(
      fc.property(fc.json(), (text) => jsonErrorPosition(text) === text.length),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const position = jsonErrorPosition(text);
        return valid ? position === text.length : position >= 0 && position <= text.length;
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("runs in linear time on deeply nested hostile input", () => {
    expectLinearTime(jsonErrorPosition, (size) => "[".repeat(size));
    expectLinearTime(jsonErrorPosition, (size) => `{"a":"${"\\\\".repeat(size / 2)}`);
  });
});
