import type {
  DeletedSecret,
  KeyVaultSecret,
  SecretClient,
  SecretClientOptions,
} from "@azure/keyvault-secrets";
import {
  type Clock,
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
} from "@hf-secrets/core";
import {
  type AzureTokenCredential,
  type CredentialKind,
  createCredential,
  credentialClassName,
  describeCredential,
} from "./credential.js";
import {
  errorShape,
  isDisabledAnswer,
  isNotFoundAnswer,
  mapAzureError,
  type ReadContext,
} from "./map-error.js";
import {
  IDENTITY_PACKAGE,
  type IdentityModule,
  importSdk,
  KEY_VAULT_SECRETS_PACKAGE,
  type KeyVaultSecretsModule,
} from "./sdk-loader.js";
import { assertKeyVaultSecretName, mapLogicalName, type SecretNameOption } from "./secret-name.js";

/** The provider name used in provenance, errors and config files. */
export const AZURE_PROVIDER_NAME = "azure";

/**
 * The part of `SecretClient` this provider calls: `getSecret`, and `getDeletedSecret` to tell a soft-deleted
 * secret from a missing one. A real `SecretClient` fits; so does a test double.
 */
export type AzureSecretClient = Pick<SecretClient, "getSecret"> &
  Partial<Pick<SecretClient, "getDeletedSecret" | "vaultUrl">>;

/** Options of {@link fromAzureKeyVault}. */
export interface AzureKeyVaultProviderOptions {
  /** The vault URI, e.g. `https://my-vault.vault.azure.net`. Required unless `client` carries it. */
  readonly vaultUrl?: string;
  /**
   * The Key Vault secret holding the HF token (a string), or a function mapping every logical name to a secret
   * name. Default: lower-case with `_` → `-` (`HF_TOKEN` → `hf-token`).
   */
  readonly secretName?: SecretNameOption;
  /** Logical name → Key Vault secret name, for names the default mapping does not fit. Checked first. */
  readonly secretNames?: Readonly<Record<string, string>>;
  /** Pin a Key Vault version id (32 hex characters). Default: the latest version. Pin only a one-secret provider. */
  readonly version?: string;
  /**
   * The identity: any `TokenCredential`, or the name of an `@azure/identity` class: `"default"`
   * (`DefaultAzureCredential`, the default), `"managed-identity"`, `"workload-identity"`, `"azure-cli"`,
   * `"environment"`. A named one is created at first use.
   */
  readonly credential?: AzureTokenCredential | CredentialKind;
  /** Client id of a user-assigned managed identity, for a named credential. */
  readonly managedIdentityClientId?: string;
  /** Microsoft Entra tenant id, for a named credential (`default`, `workload-identity`, `azure-cli`). */
  readonly tenantId?: string;
  /** A ready `SecretClient` (its own credential and pipeline); nothing is imported then. */
  readonly client?: AzureSecretClient;
  /**
   * Options for the `SecretClient` this provider creates. `retryOptions.maxRetries` defaults to 0: the
   * hf-secrets cache retries (full jitter, `Retry-After`, per-attempt timeout) and must see every failure.
   */
  readonly clientOptions?: SecretClientOptions;
  /**
   * On a 404, ask `getDeletedSecret` whether the secret was deleted, to say so instead of "not found". One
   * extra call per miss; an identity that may not read deleted secrets just gets the plain message. Default true.
   */
  readonly checkSoftDeleted?: boolean;
  /** Wall clock for `expiresOn` / `notBefore` checks and `fetchedAt`; default `Date.now`. Tests inject a fake one. */
  readonly clock?: Pick<Clock, "now">;
}

const VERSION_ID = /^[0-9A-Za-z]{1,64}$/;
const systemWallClock: Pick<Clock, "now"> = { now: () => Date.now() };

/**
 * Reads secrets (the Hugging Face token first) from Azure Key Vault with `@azure/keyvault-secrets`, loaded at
 * first use. The logical name `HF_TOKEN` is the secret `hf-token` unless mapped otherwise.
 *
 * Key Vault's own `expiresOn` becomes `expiresAt` (the cache never serves the value after it), an expired secret
 * is refused with `EXPIRED`, a secret that is disabled, not yet valid (`notBefore`) or soft-deleted with
 * `DISABLED`; 404 is a `SecretNotFoundError`, 401/403 `ACCESS_DENIED` naming the vault and the identity, 429
 * `THROTTLED` with `Retry-After`, 5xx and network faults `TRANSIENT`. Put it behind `cached()` (as
 * `getHfClient()` does): the Azure SDK itself never caches.
 *
 * @example
 * const provider = fromAzureKeyVault({ vaultUrl: "https://my-vault.vault.azure.net" });
 * const { value, version } = await provider.getSecret("HF_TOKEN"); // secret "hf-token", latest version
 */
export function fromAzureKeyVault(options: AzureKeyVaultProviderOptions): SecretProvider {
  const provider = AZURE_PROVIDER_NAME;
  const clock = options.clock ?? systemWallClock;
  const vaultUrl = resolveVaultUrl(options);
  const vault = new URL(vaultUrl).host;
  const version = options.version;
  if (version !== undefined && !VERSION_ID.test(version)) {
    throw configError(
      `"version" must be a Key Vault version id (letters and digits), got ${JSON.stringify(String(version).slice(0, 80))}.`,
      "Copy the id from `az keyvault secret list-versions`, or remove `version` to read the latest.",
    );
  }
  const secretNames = options.secretNames ?? {};
  for (const [logical, mapped] of Object.entries(secretNames)) {
    assertKeyVaultSecretName(mapped, logical, provider, "secretNames");
  }
  if (typeof options.secretName === "string") {
    assertKeyVaultSecretName(options.secretName, HF_TOKEN, provider, "secretName");
  }
  const identity = options.client
    ? "the injected SecretClient's credential"
    : typeof options.credential === "object" && options.credential !== null
      ? describeCredential(options.credential)
      : credentialClassName(options.credential ?? "default");
  const checkSoftDeleted = options.checkSoftDeleted ?? true;

  let client: Promise<AzureSecretClient> | undefined;
  let disposed = false;

  const secretNameFor = (name: string): string => {
    if (Object.hasOwn(secretNames, name)) return secretNames[name]!;
    const option = options.secretName;
    if (typeof option === "function") {
      let mapped: unknown;
      try {
        mapped = option(name);
      } catch (error) {
        throw new SecretProviderError({
          code: "INVALID_CONFIGURATION",
          provider,
          secretName: name,
          message: `The secretName function threw for "${name}".`,
          fix: "Make the secretName function return a Key Vault secret name for every logical name it is asked for.",
          cause: error,
        });
      }
      return assertKeyVaultSecretName(mapped, name, provider, "the secretName function");
    }
    if (typeof option === "string" && name === HF_TOKEN) return option;
    return assertKeyVaultSecretName(
      mapLogicalName(name),
      name,
      provider,
      'the default mapping (lower-case, "_" → "-")',
    );
  };

  const locationOf = (secretName: string) =>
    `azure:${vault}/secrets/${secretName}${version ? `/${version}` : ""}`;

  const getClient = (): Promise<AzureSecretClient> => {
    client ??= createClient().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };

  const createClient = async (): Promise<AzureSecretClient> => {
    if (options.client) return options.client;
    const sdk = await importSdk<KeyVaultSecretsModule>(
      KEY_VAULT_SECRETS_PACKAGE,
      provider,
      "to read Key Vault",
    );
    const credential =
      typeof options.credential === "object" && options.credential !== null
        ? options.credential
        : createCredential(await importSdk<IdentityModule>(IDENTITY_PACKAGE, provider, `for ${identity}`), {
            kind: options.credential ?? "default",
            managedIdentityClientId: options.managedIdentityClientId,
            tenantId: options.tenantId,
          });
    const clientOptions = options.clientOptions ?? {};
    return new sdk.SecretClient(vaultUrl, credential, {
      ...clientOptions,
      // cached() retries with full jitter, honours Retry-After and bounds each attempt; the SDK's own retries
      // (3 by default, several seconds for a 5xx) would multiply calls and hide 429s from it.
      retryOptions: { maxRetries: 0, ...clientOptions.retryOptions },
    });
  };

  const aborted = (signal: AbortSignal | undefined, context: ReadContext): SecretProviderError => {
    const reason: unknown = signal?.reason;
    if (SecretProviderError.isInstance(reason)) return reason;
    return new SecretProviderError({
      code: "ABORTED",
      provider,
      secretName: context.logicalName,
      location: context.location,
      message: `Reading "${context.secretName}" from ${vault} was aborted.`,
    });
  };

  const probeDeleted = async (
    sdkClient: AzureSecretClient,
    context: ReadContext,
    signal: AbortSignal | undefined,
  ): Promise<ReadContext> => {
    let deleted: DeletedSecret;
    try {
      deleted = await sdkClient.getDeletedSecret!(context.secretName, { abortSignal: signal });
    } catch (error) {
      if (signal?.aborted) throw aborted(signal, context);
      // Lowkey Vault refuses to show a deleted secret whose last version was disabled: it is deleted all the same.
      if (isDisabledAnswer(error)) throw softDeleted(context, undefined, undefined);
      const status = errorShape(error).status;
      if (status === 404) return { ...context, notSoftDeleted: true };
      return {
        ...context,
        softDeleteUnknown:
          status === 401 || status === 403
            ? "this identity may not read deleted secrets"
            : `the check failed${status ? ` with HTTP ${status}` : ""}`,
      };
    }
    // The deleted secret's value came along; only its dates are used.
    throw softDeleted(
      context,
      isoDate(deleted.deletedOn ?? deleted.properties.deletedOn),
      isoDate(deleted.scheduledPurgeDate ?? deleted.properties.scheduledPurgeDate),
    );
  };

  const softDeleted = (context: ReadContext, deletedOn: string | undefined, purgeOn: string | undefined) =>
    new SecretProviderError({
      code: "DISABLED",
      provider,
      secretName: context.logicalName,
      location: context.location,
      message: `The secret "${context.secretName}" in ${vault} was deleted${deletedOn ? ` on ${deletedOn}` : ""} and is soft-deleted${purgeOn ? ` until it is purged on ${purgeOn}` : ""}; Key Vault answers 404 for it.`,
      fix: `Recover it (\`az keyvault secret recover --vault-name <vault> --name ${context.secretName}\`), or purge it (\`az keyvault secret purge\`) before creating it again: a soft-deleted name cannot be reused.`,
    });

  const toSecretValue = (secret: KeyVaultSecret, context: ReadContext, logicalName: string): SecretValue => {
    const properties = secret.properties ?? {};
    const now = clock.now();
    const where = `The secret "${context.secretName}"${properties.version ? ` (version ${properties.version})` : ""} in ${vault}`;
    if (properties.enabled === false) {
      throw new SecretProviderError({
        code: "DISABLED",
        provider,
        secretName: logicalName,
        location: context.location,
        message: `${where} is disabled (enabled: false).`,
        fix: `Enable it (\`az keyvault secret set-attributes --vault-name <vault> --name ${context.secretName} --enabled true\`) or store a new, enabled version.`,
      });
    }
    const notBefore = properties.notBefore?.getTime();
    if (notBefore !== undefined && Number.isFinite(notBefore) && notBefore > now) {
      throw new SecretProviderError({
        code: "DISABLED",
        provider,
        secretName: logicalName,
        location: context.location,
        message: `${where} is not valid yet: its activation date (notBefore) is ${new Date(notBefore).toISOString()}. Key Vault returns it anyway; hf-secrets does not use it before then.`,
        fix: "Wait until then, or change its activation date (`az keyvault secret set-attributes --not-before`).",
      });
    }
    const expiresAt = properties.expiresOn?.getTime();
    const expiry = expiresAt !== undefined && Number.isFinite(expiresAt) ? expiresAt : undefined;
    if (expiry !== undefined && expiry <= now) {
      throw new SecretProviderError({
        code: "EXPIRED",
        provider,
        secretName: logicalName,
        location: context.location,
        message: `${where} expired on ${new Date(expiry).toISOString()} (expiresOn). Key Vault returns expired secrets; hf-secrets refuses them.`,
        fix: "Store a new version with a later expiry date (`az keyvault secret set ... --expires`), or clear the expiry.",
      });
    }
    const raw = secret.value;
    const value = logicalName === HF_TOKEN ? cleanHfToken(raw) : raw;
    if (value === undefined || value === "") {
      throw new SecretProviderError({
        code: "MALFORMED_SECRET",
        provider,
        secretName: logicalName,
        location: context.location,
        message: `${where} has an empty value.`,
        fix: `Store the value in it (\`az keyvault secret set --vault-name <vault> --name ${context.secretName} --file <file>\`).`,
      });
    }
    return createSecretValue({
      value,
      provider,
      location: context.location,
      version: properties.version,
      expiresAt: expiry,
      fetchedAt: now,
    });
  };

  return {
    name: provider,
    describe(name: string): string {
      try {
        return locationOf(secretNameFor(name));
      } catch {
        return `azure:${vault}/secrets/(no valid name for ${JSON.stringify(name.slice(0, 60))})`;
      }
    },
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      if (disposed) {
        throw new SecretProviderError({
          code: "DISPOSED",
          provider,
          secretName: name,
          message: `This Azure Key Vault provider for ${vault} was disposed.`,
          fix: "Create a new provider.",
        });
      }
      const signal = getOptions?.signal;
      const secretName = secretNameFor(name);
      const context: ReadContext = {
        provider,
        logicalName: name,
        secretName,
        vault,
        location: locationOf(secretName),
        identity,
        version,
      };
      if (signal?.aborted) throw aborted(signal, context);
      // Creating a credential can fail at once (WorkloadIdentityCredential without its token file, for one).
      const sdkClient = await getClient().catch((error: unknown) => {
        throw mapAzureError(error, context, clock.now());
      });
      if (signal?.aborted) throw aborted(signal, context);
      let secret: KeyVaultSecret;
      try {
        secret = await sdkClient.getSecret(secretName, {
          ...(version ? { version } : {}),
          abortSignal: signal,
        });
      } catch (error) {
        if (signal?.aborted) throw aborted(signal, context);
        let mapped = context;
        if (
          isNotFoundAnswer(error) &&
          !version &&
          checkSoftDeleted &&
          typeof sdkClient.getDeletedSecret === "function"
        ) {
          mapped = await probeDeleted(sdkClient, context, signal);
        }
        throw mapAzureError(error, mapped, clock.now());
      }
      return toSecretValue(secret, context, name);
    },
    async dispose(): Promise<void> {
      disposed = true;
      client = undefined;
    },
  };
}

function resolveVaultUrl(options: AzureKeyVaultProviderOptions): string {
  const given = options.vaultUrl ?? options.client?.vaultUrl;
  if (typeof given !== "string" || given.trim() === "") {
    throw configError(
      '"vaultUrl" is required.',
      'Pass the vault URI, e.g. vaultUrl: "https://my-vault.vault.azure.net" (the portal shows it as Vault URI).',
    );
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw configError(
      `"vaultUrl" is not a URL: ${JSON.stringify(given.slice(0, 200))}.`,
      'Use the vault URI, e.g. "https://my-vault.vault.azure.net".',
    );
  }
  const insecureAllowed = options.clientOptions?.allowInsecureConnection === true;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && insecureAllowed)) {
    throw configError(
      `"vaultUrl" must use https, got ${JSON.stringify(url.protocol)}.`,
      'Use the vault URI, e.g. "https://my-vault.vault.azure.net".',
    );
  }
  if (
    url.username ||
    url.password ||
    (url.pathname !== "/" && url.pathname !== "") ||
    url.search ||
    url.hash
  ) {
    throw configError(
      `"vaultUrl" must be the bare vault URI (scheme and host), got ${JSON.stringify(`${url.protocol}//${url.host}${url.pathname}`)}.`,
      'Drop the path and query: "https://my-vault.vault.azure.net". The secret is chosen by secretName.',
    );
  }
  const origin = url.origin;
  const clientUrl = options.client?.vaultUrl;
  if (
    options.vaultUrl !== undefined &&
    typeof clientUrl === "string" &&
    clientUrl !== "" &&
    safeOrigin(clientUrl) !== origin
  ) {
    throw configError(
      `"vaultUrl" (${origin}) differs from the injected client's vault (${safeOrigin(clientUrl) ?? "unparseable"}).`,
      "Pass the same vault, or leave vaultUrl out when you inject a client.",
    );
  }
  return origin;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function configError(message: string, fix: string): SecretProviderError {
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: AZURE_PROVIDER_NAME,
    message,
    fix,
  });
}

function isoDate(value: Date | undefined): string | undefined {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value.toISOString() : undefined;
}
