import { defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import { ENV_PROVIDER_NAME, fromEnv } from "./from-env.js";

/** Lets config files use `"env"` or `{ "provider": "env", "variable": "MY_HF_TOKEN" }`. */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: ENV_PROVIDER_NAME,
  packageName: "@hf-secrets/env",
  options: {
    variable: { type: "string", description: "the variable that holds the HF token" },
    variables: { type: "object", description: "logical secret name → variable name" },
  },
  create: (options, context) =>
    fromEnv({
      env: context.env,
      variable: options.variable as string | undefined,
      variables: options.variables as Record<string, string> | undefined,
    }),
});
