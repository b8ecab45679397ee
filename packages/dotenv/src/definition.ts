import { isAbsolute, resolve } from "node:path";
import { configError, defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import { DOTENV_PROVIDER_NAME, fromDotenv } from "./from-dotenv.js";

/**
 * Lets config files use `"dotenv"` or `{ "provider": "dotenv", "path": "config" }`. `path` and `envKeysFile` are
 * resolved against the config file's folder (default: that folder), the environment is the selected one, and
 * `strict` defaults to the environment's `policy.strict`. The default policy denies this provider in
 * `production`.
 */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: DOTENV_PROVIDER_NAME,
  packageName: "@hf-secrets/dotenv",
  options: {
    path: { type: "string", description: "folder holding the env files (default: the config file's folder)" },
    files: {
      type: "string[]",
      description: "env files to read, lowest precedence first (default: dotenv-flow's list)",
    },
    variable: { type: "string", description: "the key that holds the HF token" },
    variables: { type: "object", description: "logical secret name → key" },
    strict: { type: "boolean", description: "hygiene problems are errors (default: the policy's strict)" },
    followSymlinks: {
      type: "boolean",
      description: "read an env file that is a symlink to a file outside its folder (default false)",
    },
    gitCheck: {
      type: "boolean",
      description: "warn when git does not ignore a file with a secret (default true)",
    },
    envKeysFile: {
      type: "string",
      description: "the dotenvx .env.keys file (default: beside each env file)",
    },
  },
  create: (options, context) => {
    const variables = options.variables as Record<string, unknown> | undefined;
    if (variables !== undefined) {
      for (const [key, value] of Object.entries(variables)) {
        if (typeof value !== "string" || value === "") {
          throw configError(
            { file: context.configFile, path: context.path, provider: DOTENV_PROVIDER_NAME },
            `${context.path}.variables.${key}`,
            "must be the name of a key in the env files (a non-empty string)",
          );
        }
      }
    }
    const path = (value: unknown) =>
      typeof value === "string" ? (isAbsolute(value) ? value : resolve(context.cwd, value)) : undefined;
    return fromDotenv({
      path: path(options.path) ?? context.cwd,
      files: options.files as string[] | undefined,
      environment: context.environment,
      env: context.env,
      variable: options.variable as string | undefined,
      variables: variables as Record<string, string> | undefined,
      strict: (options.strict as boolean | undefined) ?? context.policy.strict,
      gitCheck: options.gitCheck as boolean | undefined,
      followSymlinks: options.followSymlinks as boolean | undefined,
      envKeysFile: path(options.envKeysFile),
    });
  },
});
