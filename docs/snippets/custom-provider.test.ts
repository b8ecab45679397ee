import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cleanHfToken,
  createSecretValue,
  defineProvider,
  HF_TOKEN,
  type ProviderDefinition,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
} from "@hf-secrets/core";
import {
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A provider for secrets that a sidecar renders into one JSON file, such as Vault Agent's
// /vault/secrets/app.json: { "HF_TOKEN": "hf_...", "DATABASE_URL": "postgres://..." }.

/** Options of {@link fromJsonFile}. */
export interface JsonFileOptions {
  /** The JSON file: an object whose keys are logical secret names. */
  readonly path: string;
}

const NAME = "json-file";

/** Reads secrets from a JSON file at every call (the cache in front decides how often that is). */
export function fromJsonFile(options: JsonFileOptions): SecretProvider {
  const location = (name: string) => `${NAME}:${options.path}#${name}`;
  return {
    name: NAME,
    describe: location,
    async getSecret(name, getOptions) {
      getOptions?.signal?.throwIfAborted();
      let text: string;
      try {
        text = await readFile(options.path, { encoding: "utf8", signal: getOptions?.signal });
      } catch (error) {
        if (getOptions?.signal?.aborted) throw getOptions.signal.reason;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          // Absent is an error that lets a chain try its next provider.
          throw new SecretNotFoundError({
            provider: NAME,
            secretName: name,
            location: location(name),
            message: `${options.path} does not exist.`,
            fix: "Check that the sidecar rendered the file, or fix the path.",
          });
        }
        // Anything else stops the chain; core reduces the cause to name, code and message.
        throw new SecretProviderError({
          code: code === "EACCES" ? "ACCESS_DENIED" : "TRANSIENT",
          provider: NAME,
          secretName: name,
          location: location(name),
          message: `${options.path} could not be read (${code ?? "unknown error"}).`,
          fix: "Let the process's user read the file.",
          cause: error,
        });
      }
      let secrets: unknown;
      try {
        secrets = JSON.parse(text);
      } catch {
        // JSON.parse's message quotes the input, which holds secrets: never pass it on.
        throw new SecretProviderError({
          code: "MALFORMED_SECRET",
          provider: NAME,
          secretName: name,
          location: location(name),
          message: `${options.path} is not valid JSON.`,
          fix: "Fix the template that renders the file.",
        });
      }
      const raw =
        secrets !== null && typeof secrets === "object" && Object.hasOwn(secrets, name)
          ? (secrets as Record<string, unknown>)[name]
          : undefined;
      // The HF token is cleaned like huggingface_hub cleans it; an empty value means "no token".
      const value = typeof raw === "string" ? (name === HF_TOKEN ? cleanHfToken(raw) : raw) : undefined;
      if (value === undefined || value === "") {
        throw new SecretNotFoundError({
          provider: NAME,
          secretName: name,
          location: location(name),
          message: `"${name}" is not a string in ${options.path}.`,
        });
      }
      return createSecretValue({ value, provider: NAME, location: location(name) });
    },
  };
}

/** Lets a config file name this provider: publish it as a package that exports `hfSecretsProvider`. */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: NAME,
  packageName: "hf-secrets-provider-json-file",
  options: { path: { type: "string", required: true, description: "the JSON file" } },
  create: (options) => fromJsonFile({ path: options.path as string }),
});

// The conformance suite every built-in provider passes, against a real file.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "json-file-provider-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeSecretProviderContract(
  "json-file",
  async () => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    const values: Record<string, string> = {};
    // Written to a temporary file and renamed, as sidecars do, so a reader never sees half a file.
    const write = async (name: string, value: string) => {
      values[name] = value;
      await writeFile(`${path}.tmp`, JSON.stringify(values));
      await rename(`${path}.tmp`, path);
    };
    return { provider: fromJsonFile({ path }), seed: write, update: write };
  },
  { update: true },
);

// Cases of this provider's own.
describe("json-file: its own failure modes", () => {
  it("a file that is not JSON is MALFORMED_SECRET, and the error does not quote it", async () => {
    const token = makeTestToken();
    const path = join(dir, "broken.json");
    await writeFile(path, `{ "HF_TOKEN": "${token}", }`);
    const error = await fromJsonFile({ path })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e);
    expect(SecretProviderError.isInstance(error) && error.code).toBe("MALFORMED_SECRET");
    expectNoSecret(errorText(error), token, "the error for a broken file");
  });

  it("cleans the HF token like huggingface_hub (a trailing newline from a template)", async () => {
    const token = makeTestToken();
    const path = join(dir, "newline.json");
    await writeFile(path, JSON.stringify({ HF_TOKEN: `${token}\n` }));
    expect((await fromJsonFile({ path }).getSecret("HF_TOKEN")).value.reveal()).toBe(token);
  });
});
