import {
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  SecretNotFoundError,
  type SecretProvider,
  type SecretValue,
} from "@hf-secrets/core";

/** The provider name used in provenance and config files. */
export const ENV_PROVIDER_NAME = "env";

/** The variables huggingface_hub reads for the token, in its order. */
export const HF_TOKEN_VARIABLES = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const;

/** Options of {@link fromEnv}. */
export interface EnvProviderOptions {
  /** The variables to read; default `process.env`, read at each call (never copied, never written). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The variable holding the HF token, instead of `HF_TOKEN` → `HUGGING_FACE_HUB_TOKEN`. */
  readonly variable?: string;
  /** Logical name → variable name, for other secrets (default: the variable named like the secret). */
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * Reads secrets from environment variables. For `HF_TOKEN` it follows `huggingface_hub`: `HF_TOKEN`, else
 * `HUGGING_FACE_HUB_TOKEN` (an empty `HF_TOKEN` falls through, a whitespace-only one does not), with CR/LF
 * removed and surrounding whitespace stripped; an empty result means "no token", so a chain moves on. Other
 * secrets are read from the variable of the same name, unchanged. It never writes `process.env`.
 *
 * @example
 * const provider = fromEnv();
 * const { value, location } = await provider.getSecret("HF_TOKEN"); // location: "env:HF_TOKEN"
 */
export function fromEnv(options: EnvProviderOptions = {}): SecretProvider {
  const variableFor = (name: string): readonly string[] => {
    if (name === HF_TOKEN) return options.variable ? [options.variable] : HF_TOKEN_VARIABLES;
    const mapped =
      options.variables && Object.hasOwn(options.variables, name) ? options.variables[name] : undefined;
    return [mapped ?? name];
  };
  const describe = (name: string) =>
    variableFor(name)
      .map((v) => `env:${v}`)
      .join(", ");

  return {
    name: ENV_PROVIDER_NAME,
    describe,
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      getOptions?.signal?.throwIfAborted();
      const env = options.env ?? process.env;
      const variables = variableFor(name);
      // Like Python's `os.environ.get(a) or os.environ.get(b)`: the first non-empty raw value decides.
      const variable = variables.find((v) => Object.hasOwn(env, v) && env[v] !== undefined && env[v] !== "");
      const raw = variable === undefined ? undefined : env[variable];
      const value = name === HF_TOKEN ? cleanHfToken(raw) : raw;
      if (variable !== undefined && value !== undefined) {
        return createSecretValue({ value, provider: ENV_PROVIDER_NAME, location: `env:${variable}` });
      }
      if (variable !== undefined) {
        throw new SecretNotFoundError({
          provider: ENV_PROVIDER_NAME,
          secretName: name,
          location: `env:${variable}`,
          message: `${variable} is set but holds only whitespace or line breaks, which means "no token" (as in huggingface_hub).`,
          fix: `Set ${variable} to the token, or unset it so the next source is used.`,
        });
      }
      const emptyOnes = variables.filter((v) => env[v] === "");
      throw new SecretNotFoundError({
        provider: ENV_PROVIDER_NAME,
        secretName: name,
        location: describe(name),
        message:
          emptyOnes.length > 0
            ? `${emptyOnes.join(" and ")} ${emptyOnes.length > 1 ? "are" : "is"} set but empty, which means "not set".`
            : `${variables.join(" and ")} ${variables.length > 1 ? "are" : "is"} not set.`,
        fix: `Set ${variables[0]} in the environment of the process (e.g. \`docker run -e ${variables[0]}\` or a Kubernetes secretKeyRef).`,
      });
    },
  };
}
