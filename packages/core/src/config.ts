import { readFile, stat } from "node:fs/promises";
import { extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CacheOptions } from "./cached.js";
import { SecretProviderError } from "./errors.js";
import { jsonErrorPosition } from "./json-error-position.js";
import { configError, isPlainObject, type OptionsSchema, validateOptions } from "./options-schema.js";
import { type PolicyConfig, TOKEN_ROLES } from "./policy.js";

/** One member of an environment's chain: a provider name, or a name with options. */
export type ChainEntry = string | ({ readonly provider: string } & Readonly<Record<string, unknown>>);

/** Cache settings an environment may set (see `cached()`). */
export type CacheConfig = Pick<
  CacheOptions,
  "ttlMs" | "maxStaleMs" | "timeoutMs" | "forceRefreshIntervalMs" | "expirySkewMs"
> & { readonly refreshAhead?: boolean };

/** How one environment gets its secrets. */
export interface EnvironmentConfig {
  /** Providers asked in order; the first that has the secret wins. */
  readonly chain: readonly ChainEntry[];
  /** Rules enforced for this environment. */
  readonly policy?: PolicyConfig;
  /** Cache settings for this environment. */
  readonly cache?: CacheConfig;
}

/** The content of `hf-secrets.config.json` / `.yaml` / a `defineConfig()` module. */
export interface HfSecretsConfig {
  /** JSON schema reference, ignored. */
  readonly $schema?: string;
  /** Environment name → how it gets its secrets. */
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
}

/** A validated config and the file it came from. */
export interface LoadedConfig {
  readonly config: HfSecretsConfig;
  /** Absolute path, or `undefined` for an inline config object. */
  readonly file: string | undefined;
}

/** File names looked for, in order, in the working directory. */
export const CONFIG_FILE_NAMES = [
  "hf-secrets.config.json",
  "hf-secrets.config.yaml",
  "hf-secrets.config.yml",
  "hf-secrets.config.mjs",
  "hf-secrets.config.js",
  "hf-secrets.config.cjs",
  "hf-secrets.config.ts",
  "hf-secrets.config.mts",
] as const;

/**
 * Types a config module: `export default defineConfig({ environments: { ... } })` in `hf-secrets.config.mjs`.
 * Returns its argument unchanged.
 */
export function defineConfig(config: HfSecretsConfig): HfSecretsConfig {
  return config;
}

/** The chain used when there is no config file: environment variables, then `.env` files, then the CLI login. */
export const DEFAULT_CHAIN: readonly ChainEntry[] = ["env", "dotenv", "hf-cli"];

const TOP_LEVEL: OptionsSchema = {
  $schema: { type: "string" },
  environments: {
    type: "object",
    required: true,
    description: "environment name → { chain, policy, cache }",
  },
};
const ENVIRONMENT: OptionsSchema = {
  chain: { type: "unknown", required: true, description: 'providers in order, e.g. ["env", "aws"]' },
  policy: { type: "object" },
  cache: { type: "object" },
};
const POLICY: OptionsSchema = {
  allow: { type: "string[]" },
  deny: { type: "string[]" },
  tokenRole: { type: "string[]", enum: TOKEN_ROLES },
  verify: { type: "boolean" },
  strict: { type: "boolean" },
};
const CACHE: OptionsSchema = {
  ttlMs: { type: "number", min: 1 },
  maxStaleMs: { type: "number", min: 0 },
  timeoutMs: { type: "number", min: 1 },
  forceRefreshIntervalMs: { type: "number", min: 0 },
  expirySkewMs: { type: "number", min: 0 },
  refreshAhead: { type: "boolean" },
};
const ENVIRONMENT_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;
const PROVIDER_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;

/**
 * Checks a config object: unknown keys, wrong types, bad environment or provider names. Errors name the file
 * and the path of the bad field (`environments.production.chain[1].provider`). Provider options are checked
 * later, by each provider's definition, when the environment is used.
 */
export function validateConfig(raw: unknown, file?: string): HfSecretsConfig {
  const site = { file, path: "" };
  const top = validateOptions(raw, TOP_LEVEL, site);
  const environments: Record<string, EnvironmentConfig> = Object.create(null);
  const envs = top.environments as Record<string, unknown>;
  for (const name of Object.keys(envs)) {
    const path = `environments.${name}`;
    if (!ENVIRONMENT_NAME.test(name)) {
      throw configError(site, path, "is not a valid environment name (letters, digits, `.`, `_`, `-`)");
    }
    const env = validateOptions(envs[name], ENVIRONMENT, { file, path });
    const chain = env.chain;
    if (!Array.isArray(chain) || chain.length === 0) {
      throw configError(site, `${path}.chain`, 'must be a non-empty array of providers, e.g. ["env", "aws"]');
    }
    const entries = chain.map((entry, index) => validateChainEntry(entry, file, `${path}.chain[${index}]`));
    const out: { chain: ChainEntry[]; policy?: PolicyConfig; cache?: CacheConfig } = { chain: entries };
    if (env.policy !== undefined)
      out.policy = validateOptions(env.policy, POLICY, { file, path: `${path}.policy` });
    if (env.cache !== undefined)
      out.cache = validateOptions(env.cache, CACHE, { file, path: `${path}.cache` });
    environments[name] = out;
  }
  return { environments };
}

function validateChainEntry(entry: unknown, file: string | undefined, path: string): ChainEntry {
  const site = { file, path };
  if (typeof entry === "string") {
    if (!PROVIDER_NAME.test(entry))
      throw configError(site, path, `"${entry.slice(0, 60)}" is not a provider name`);
    return entry;
  }
  if (!isPlainObject(entry)) throw configError(site, path, 'must be a provider name or { "provider": ... }');
  const provider = entry.provider;
  if (typeof provider !== "string" || !PROVIDER_NAME.test(provider)) {
    throw configError(site, `${path}.provider`, 'is required: the provider name, e.g. "aws"');
  }
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(entry)) copy[key] = entry[key];
  return copy as ChainEntry;
}

/**
 * Finds and loads the config: an explicit path, else `HF_SECRETS_CONFIG`, else the first of
 * {@link CONFIG_FILE_NAMES} in `cwd`. Returns `undefined` when there is none (the default chain applies).
 */
export async function loadConfig(
  options: { file?: string; cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<LoadedConfig | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? (options.env ?? process.env).HF_SECRETS_CONFIG;
  if (explicit) {
    const file = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (!(await isFile(file))) {
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: "config",
        location: file,
        message: `The config file ${file} does not exist.`,
        fix: "Check the path given by --config or HF_SECRETS_CONFIG.",
      });
    }
    return { config: await readConfigFile(file), file };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = join(cwd, name);
    if (await isFile(file)) return { config: await readConfigFile(file), file };
  }
  return undefined;
}

/** Reads, parses and validates one config file (JSON, YAML, or an ES/CommonJS module). */
export async function readConfigFile(file: string): Promise<HfSecretsConfig> {
  const extension = extname(file).toLowerCase();
  if (extension === ".json") return validateConfig(parseJson(await readFile(file, "utf8"), file), file);
  if (extension === ".yaml" || extension === ".yml") {
    return validateConfig(await parseYaml(await readFile(file, "utf8"), file), file);
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const typescript = extension === ".ts" || extension === ".mts";
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      location: file,
      message: `The config module ${file} could not be loaded: ${(error as Error).message?.slice(0, 200)}`,
      fix: typescript
        ? "This Node version cannot load TypeScript directly: rename it to hf-secrets.config.mjs, or run Node >= 22.18 (type stripping)."
        : "Fix the module so that it loads, and export the config as default.",
    });
  }
  const config =
    module.default && typeof module.default === "object" && "default" in module.default
      ? (module.default as { default: unknown }).default
      : module.default;
  if (config === undefined) {
    throw configError(
      { file, path: "default export" },
      "default export",
      "is missing: `export default defineConfig({...})`",
    );
  }
  return validateConfig(config, file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(stripBom(text));
  } catch {
    // V8's message quotes the input around the error; a config could hold a pasted token, so report the position only.
    const where = ` at ${lineAndColumn(text, jsonErrorPosition(stripBom(text)) + (text.charCodeAt(0) === 0xfeff ? 1 : 0))}`;
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      location: file,
      message: `${file} is not valid JSON${where}.`,
      fix: "Fix the JSON syntax (a missing comma or quote, or a trailing comma).",
    });
  }
}

async function parseYaml(text: string, file: string): Promise<unknown> {
  let yaml: { parse: (text: string, options?: Record<string, unknown>) => unknown };
  try {
    yaml = (await import("yaml")) as typeof yaml;
  } catch {
    throw new SecretProviderError({
      code: "PROVIDER_NOT_INSTALLED",
      provider: "config",
      location: file,
      message: `${file} is YAML, and reading YAML needs the "yaml" package, which is not installed.`,
      fix: "Run `npm install yaml`, or use hf-secrets.config.json.",
    });
  }
  try {
    return yaml.parse(stripBom(text), { prettyErrors: false, uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    // The yaml error's message quotes the source line; report the position only.
    const offset = (error as { pos?: number[] }).pos?.[0];
    const code = (error as { code?: string }).code;
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      location: file,
      message: `${file} is not valid YAML${offset === undefined ? "" : ` at ${lineAndColumn(text, offset)}`}${code ? ` (${code})` : ""}.`,
      fix: "Fix the YAML syntax at that position (indentation, a missing colon, a duplicate key).",
    });
  }
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return `line ${line}, column ${column}`;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
