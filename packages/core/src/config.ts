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

/** The subset of the `yaml` package this reader uses. */
interface YamlModule {
  parseDocument(
    text: string,
    options?: Record<string, unknown>,
  ): { errors: unknown[]; toJS(options?: Record<string, unknown>): unknown };
  visit(
    node: unknown,
    visitor: { Map?: (key: unknown, map: { items: Array<{ key: unknown }> }) => void },
  ): void;
  isScalar(node: unknown): node is { value: unknown; range?: number[] };
}

const MAX_YAML_NESTING = 64;

async function parseYaml(text: string, file: string): Promise<unknown> {
  let yaml: YamlModule;
  try {
    yaml = (await import("yaml")) as unknown as YamlModule;
  } catch {
    throw new SecretProviderError({
      code: "PROVIDER_NOT_INSTALLED",
      provider: "config",
      location: file,
      message: `${file} is YAML, and reading YAML needs the "yaml" package, which is not installed.`,
      fix: "Run `npm install yaml`, or use hf-secrets.config.json.",
    });
  }
  const source = stripBom(text);
  // yaml's parser recurses once per nesting level; past the stack it fails, and on Node 20 the next such parse
  // aborts the process (V8 cannot compile a regular expression that deep). No config nests this deep.
  if (yamlNestingTooDeep(source)) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      location: file,
      message: `${file} nests YAML collections deeper than ${MAX_YAML_NESTING} levels.`,
      fix: "A config file needs a few levels: check the file for runaway brackets or dashes.",
    });
  }
  try {
    // uniqueKeys: false — yaml compares each new key with every earlier one (quadratic); the check below is linear.
    // logLevel "error": warnings (unknown tags, directives) are never printed (the SDK is silent).
    const document = yaml.parseDocument(source, {
      prettyErrors: false,
      uniqueKeys: false,
      logLevel: "error",
    });
    if (document.errors.length > 0) throw document.errors[0];
    yaml.visit(document, {
      Map(_key, map) {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          const key = yaml.isScalar(pair.key) ? pair.key.value : pair.key;
          if (seen.has(key)) {
            throw Object.assign(new Error("duplicate key"), {
              code: "DUPLICATE_KEY",
              pos: yaml.isScalar(pair.key) ? pair.key.range : undefined,
            });
          }
          seen.add(key);
        }
      },
    });
    return document.toJS({ maxAliasCount: 100 });
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

/**
 * An upper bound of a YAML text's nesting, in one pass: open flow collections (`[`, `{`), and per line its compact
 * block indicators (`- - x`, `? ? x`) and its indentation.
 */
function yamlNestingTooDeep(text: string): boolean {
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 9) {
        if (++indent > 4 * MAX_YAML_NESTING) return true;
        continue;
      }
      const next = text.charCodeAt(i + 1);
      if ((c === 45 || c === 63 || c === 58) && (next === 32 || next === 9)) {
        if (++indicators > MAX_YAML_NESTING) return true;
        continue;
      }
      lineStart = false;
    }
    if (c === 91 || c === 123) {
      if (++flow > MAX_YAML_NESTING) return true;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  return false;
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
