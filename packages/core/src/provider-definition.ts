import type { SecretProvider } from "./contract.js";
import type { OptionsSchema } from "./options-schema.js";
import type { ResolvedPolicy } from "./policy.js";

/** What a provider gets when it is created from a config file. */
export interface ProviderContext {
  /** The selected environment, e.g. `"production"`. */
  readonly environment: string;
  /** The environment's policy (e.g. `strict` for file hygiene). */
  readonly policy: ResolvedPolicy;
  /** Folder that relative paths are resolved against (the config file's folder, else the working directory). */
  readonly cwd: string;
  /** Environment variables the provider may consult for its own configuration. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file, for error messages. */
  readonly configFile?: string | undefined;
  /** Path of this entry in the config, e.g. `environments.production.chain[1]`. */
  readonly path: string;
}

/**
 * How a provider package plugs into config files: the config entry `{ "provider": "aws", ... }` imports
 * `@hf-secrets/aws`, validates the remaining keys against `options`, and calls `create`. Each provider package
 * exports one as `hfSecretsProvider`.
 */
export interface ProviderDefinition {
  /** The name used in config files and provenance, e.g. `"aws"`. */
  readonly name: string;
  /** The npm package, e.g. `"@hf-secrets/aws"`. */
  readonly packageName: string;
  /** The options a config entry may carry (besides `provider`). */
  readonly options: OptionsSchema;
  /** Builds the provider from validated options. */
  create(
    options: Record<string, unknown>,
    context: ProviderContext,
  ): SecretProvider | Promise<SecretProvider>;
}

/** Declares a provider definition with full typing (an identity function). */
export function defineProvider(definition: ProviderDefinition): ProviderDefinition {
  return definition;
}
