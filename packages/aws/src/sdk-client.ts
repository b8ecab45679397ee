import { SecretProviderError } from "@hf-secrets/core";

/** The AWS SDK module this package drives (a peer dependency, imported at first use). */
export type SecretsManagerSdk = typeof import("@aws-sdk/client-secrets-manager");

/** The npm package to install for this provider. */
export const AWS_SDK_PACKAGE = "@aws-sdk/client-secrets-manager";

/**
 * What the provider needs from a Secrets Manager client: `send`, and optionally `destroy` and `config.region`.
 * A `SecretsManagerClient` fits; so does a test double.
 */
export interface SecretsManagerClientLike {
  /** Sends a command (`GetSecretValueCommand`, `DescribeSecretCommand`). */
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Closes the client's sockets. Called on dispose for clients the provider created. */
  destroy?(): void;
  /** The resolved client configuration; only `region` is read, for messages. */
  readonly config?: { readonly region?: unknown };
}

/** Imports the SDK module; replaceable in tests. */
export type SdkImporter = () => Promise<SecretsManagerSdk>;

const defaultImporter: SdkImporter = () => import("@aws-sdk/client-secrets-manager");

/**
 * Imports `@aws-sdk/client-secrets-manager`, turning a missing package into `PROVIDER_NOT_INSTALLED` with the
 * install command, so that importing `@hf-secrets/aws` never fails and the first use says what to do.
 */
export async function loadSecretsManagerSdk(
  provider: string,
  importer: SdkImporter = defaultImporter,
): Promise<SecretsManagerSdk> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing =
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String((error as { message?: unknown }).message).includes(AWS_SDK_PACKAGE);
    throw new SecretProviderError({
      code: missing ? "PROVIDER_NOT_INSTALLED" : "INVALID_CONFIGURATION",
      provider,
      message: missing
        ? `The AWS SDK package ${AWS_SDK_PACKAGE} is not installed; @hf-secrets/aws needs it to read Secrets Manager.`
        : `The AWS SDK package ${AWS_SDK_PACKAGE} failed to load.`,
      fix: missing
        ? `npm install ${AWS_SDK_PACKAGE} (version 3.x), or pass a ready-made SecretsManagerClient as "client".`
        : `Reinstall ${AWS_SDK_PACKAGE} (version 3.x); see \`cause\`.`,
      cause: error,
    });
  }
}

/** Reads a client's region (a string, or the SDK's async region provider) without ever throwing. */
export async function readClientRegion(client: SecretsManagerClientLike): Promise<string | undefined> {
  try {
    const region = client.config?.region;
    const value = typeof region === "function" ? await (region as () => unknown)() : region;
    return typeof value === "string" && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
