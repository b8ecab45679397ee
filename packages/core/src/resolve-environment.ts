import { dirname } from "node:path";
import type { CacheOptions } from "./cached.js";
import { chain } from "./chain.js";
import {
  type CacheConfig,
  type ChainEntry,
  DEFAULT_CHAIN,
  type HfSecretsConfig,
  type LoadedConfig,
  loadConfig,
  validateConfig,
} from "./config.js";
import type { SecretProvider } from "./contract.js";
import { type SelectedEnvironment, selectEnvironment } from "./environment.js";
import { SecretProviderError } from "./errors.js";
import { validateOptions } from "./options-schema.js";
import { assertProviderAllowed, type ResolvedPolicy, resolvePolicy, withPolicy } from "./policy.js";
import type { ProviderContext, ProviderDefinition } from "./provider-definition.js";
import { loadProviderDefinition, type ModuleImporter } from "./provider-loader.js";

/** Options of {@link resolveEnvironment}. */
export interface ResolveEnvironmentOptions {
  /** Environment name; default from `HF_SECRETS_ENV`, `NODE_ENV`, else `development`. */
  readonly environment?: string;
  /** A config object, a path to a config file, or `false` to ignore config files. Default: look in `cwd`. */
  readonly config?: HfSecretsConfig | string | false;
  /** Where to look for the config file and resolve relative paths. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Environment variables used to select the environment and the config. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces dynamic `import()` (tests). */
  readonly importer?: ModuleImporter;
}

/** One chain member, created and checked against the policy. */
export interface ResolvedChainMember {
  /** The provider name from the config. */
  readonly name: string;
  /** Where it is declared, e.g. `environments.production.chain[0]`. */
  readonly path: string;
  readonly provider: SecretProvider;
}

/** An environment ready to use: its chain of providers, its policy and its cache settings. */
export interface ResolvedEnvironment {
  readonly environment: SelectedEnvironment;
  /** The config file used, if any. */
  readonly configFile: string | undefined;
  readonly policy: ResolvedPolicy;
  /** Chain members in order. */
  readonly members: readonly ResolvedChainMember[];
  /** The chain with the policy enforced on every value (not cached: wrap it with `cached()` or use `@hf-secrets/client`). */
  readonly provider: SecretProvider;
  /** Cache settings from the config. */
  readonly cache: Partial<CacheOptions>;
  /** Members of the default chain left out because the policy denies them or their package is not installed. */
  readonly excluded: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * Builds the selected environment's chain: finds the config (or uses the default chain env → dotenv → hf-cli),
 * imports only the provider packages this environment uses, validates their options, and enforces the policy.
 * A denied provider listed in a config chain is a `POLICY_VIOLATION` at once; with the default chain (no
 * config), denied members are left out and reported in `excluded`.
 */
export async function resolveEnvironment(
  options: ResolveEnvironmentOptions = {},
): Promise<ResolvedEnvironment> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadFromOptions(options, cwd, env);
  const environment = selectEnvironment(options.environment, env);
  let entries: readonly ChainEntry[];
  let policyConfig = {};
  let cacheConfig: CacheConfig = {};
  const fromConfig = loaded !== undefined;
  if (loaded) {
    const envConfig = Object.hasOwn(loaded.config.environments, environment.name)
      ? loaded.config.environments[environment.name]
      : undefined;
    if (!envConfig) {
      const known = Object.keys(loaded.config.environments);
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: "config",
        location: loaded.file,
        message: `The environment "${environment.name}" (from ${environment.source}) is not defined in ${loaded.file ?? "the config"}; it defines ${known.map((k) => `"${k}"`).join(", ")}.`,
        fix: `Add "environments.${environment.name}" to the config, or select one of those with HF_SECRETS_ENV.`,
      });
    }
    entries = envConfig.chain;
    policyConfig = envConfig.policy ?? {};
    cacheConfig = envConfig.cache ?? {};
  } else {
    entries = DEFAULT_CHAIN;
  }
  const policy = resolvePolicy(environment.name, policyConfig);
  const members: ResolvedChainMember[] = [];
  const excluded: { name: string; reason: string }[] = [];
  const baseCwd = loaded?.file ? dirname(loaded.file) : cwd;
  for (const [index, entry] of entries.entries()) {
    const path = fromConfig ? `environments.${environment.name}.chain[${index}]` : `default chain[${index}]`;
    const name = typeof entry === "string" ? entry : entry.provider;
    try {
      assertProviderAllowed(policy, name, loaded?.file ? `${loaded.file} → ${path}` : path);
    } catch (error) {
      if (fromConfig) throw error;
      excluded.push({ name, reason: (error as SecretProviderError).detail });
      continue;
    }
    const where = loaded?.file ? `${loaded.file} → ${path}` : path;
    let definition: ProviderDefinition;
    try {
      definition = await loadProviderDefinition(name, { cwd, importer: options.importer, where });
    } catch (error) {
      // The default chain names every local source; a project installs only the ones it uses. A provider a
      // config file names explicitly must be installed, so that error stays.
      if (fromConfig || !SecretProviderError.isInstance(error) || error.code !== "PROVIDER_NOT_INSTALLED")
        throw error;
      excluded.push({ name, reason: error.detail });
      continue;
    }
    const raw: Record<string, unknown> = {};
    if (typeof entry !== "string") {
      for (const key of Object.keys(entry)) if (key !== "provider") raw[key] = entry[key];
    }
    const validated = validateOptions(raw, definition.options, { file: loaded?.file, path, provider: name });
    const context: ProviderContext = {
      environment: environment.name,
      policy,
      cwd: baseCwd,
      env,
      configFile: loaded?.file,
      path,
    };
    members.push({ name, path, provider: await definition.create(validated, context) });
  }
  if (members.length === 0) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      message: `The "${environment.name}" environment has no usable provider: ${excluded.map((e) => `${e.name} (${e.reason})`).join("; ")}`,
      fix: `Create hf-secrets.config.json with an "environments.${environment.name}.chain", e.g. ["env"] or ["aws"].`,
    });
  }
  return {
    environment,
    configFile: loaded?.file,
    policy,
    members,
    provider: withPolicy(chain(...members.map((m) => m.provider)), policy),
    cache: cacheConfig,
    excluded,
  };
}

async function loadFromOptions(
  options: ResolveEnvironmentOptions,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedConfig | undefined> {
  if (options.config === false) return undefined;
  if (typeof options.config === "string") return loadConfig({ file: options.config, cwd, env });
  if (options.config !== undefined) return { config: validateConfig(options.config), file: undefined };
  return loadConfig({ cwd, env });
}
