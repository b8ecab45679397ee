import { isAbsolute, resolve } from "node:path";
import { configError, defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import { fromHfCli, HF_CLI_PROVIDER_NAME } from "./from-hf-cli.js";

/**
 * Lets config files use `"hf-cli"` or `{ "provider": "hf-cli", "tokenName": "ci-read" }`. Relative path options
 * are resolved against the config file's folder; `~` and `$VAR` are expanded like huggingface_hub does;
 * `strict` defaults to the environment's `policy.strict` (true in `production`).
 */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: HF_CLI_PROVIDER_NAME,
  packageName: "@hf-secrets/hf-cli",
  options: {
    hfHome: { type: "string", description: "folder used instead of HF_HOME" },
    tokenPath: { type: "string", description: "token file used instead of HF_TOKEN_PATH / HF_HOME/token" },
    storedTokensPath: {
      type: "string",
      description: "stored_tokens file used instead of the one beside the token file",
    },
    tokenName: {
      type: "string",
      description: "serve HF_TOKEN from this named token of stored_tokens (see `hf auth list`)",
    },
    tokens: { type: "object", description: "other logical secret names → stored token names" },
    strict: {
      type: "boolean",
      description: "file hygiene problems are errors (default: the policy's strict)",
    },
    followSymlinks: { type: "boolean", description: "read the token file through a symlink (default false)" },
  },
  create: (options, context) => {
    const site = { file: context.configFile, path: context.path, provider: HF_CLI_PROVIDER_NAME };
    const tokens = options.tokens as Record<string, unknown> | undefined;
    if (tokens !== undefined) {
      for (const [key, value] of Object.entries(tokens)) {
        if (typeof value !== "string" || value === "") {
          throw configError(
            site,
            `${context.path}.tokens.${key}`,
            "must be the name of a stored token (a non-empty string)",
          );
        }
      }
    }
    const path = (value: unknown): string | undefined => {
      if (typeof value !== "string") return undefined;
      // `~` and `$VAR` are expanded by the provider, like the environment variables these options replace.
      return isAbsolute(value) || value.startsWith("~") || value.startsWith("$")
        ? value
        : resolve(context.cwd, value);
    };
    return fromHfCli({
      env: context.env,
      hfHome: path(options.hfHome),
      tokenPath: path(options.tokenPath),
      storedTokensPath: path(options.storedTokensPath),
      tokenName: options.tokenName as string | undefined,
      tokens: tokens as Record<string, string> | undefined,
      strict: (options.strict as boolean | undefined) ?? context.policy.strict,
      followSymlinks: options.followSymlinks as boolean | undefined,
    });
  },
});
