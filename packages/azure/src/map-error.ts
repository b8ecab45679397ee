import { parseRetryAfter, SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";

/** What a message about one read needs: never the value, never a header or a request. */
export interface ReadContext {
  /** Provider name, `"azure"`. */
  readonly provider: string;
  /** The logical name asked for, e.g. `HF_TOKEN`. */
  readonly logicalName: string;
  /** The Key Vault secret name, e.g. `hf-token`. */
  readonly secretName: string;
  /** The vault's host, e.g. `myvault.vault.azure.net`. */
  readonly vault: string;
  /** Where the provider looked, e.g. `azure:myvault.vault.azure.net/secrets/hf-token`. */
  readonly location: string;
  /** The identity that was used, as a class name (`ManagedIdentityCredential`, `DefaultAzureCredential`). */
  readonly identity: string;
  /** The pinned version, when there is one. */
  readonly version?: string | undefined;
  /** For a 404: whether a soft-deleted secret of that name was looked for and not found. */
  readonly notSoftDeleted?: boolean | undefined;
  /** For a 404: why the soft-delete check could not tell (e.g. the identity may not read deleted secrets). */
  readonly softDeleteUnknown?: string | undefined;
}

/** The role or access policy a reader needs, quoted in every ACCESS_DENIED fix. */
export const READ_PERMISSION_FIX =
  'Grant it the "Key Vault Secrets User" role on the vault or on this secret (vaults using Azure RBAC), or an access policy with the secret permission "get" (vaults using access policies).';

const DEFAULT_CREDENTIAL_FIX =
  "Give the process an Azure identity. DefaultAzureCredential tries, in order: environment variables (AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), workload identity (AZURE_FEDERATED_TOKEN_FILE, set by the AKS workload identity webhook), managed identity (App Service, Functions, Container Apps, VMs, AKS; set AZURE_CLIENT_ID or managedIdentityClientId for a user-assigned one), then a developer login (`az login`, `azd auth login`, Azure PowerShell). Or pass `credential` (any TokenCredential) or a ready `client`.";

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ESOCKETTIMEDOUT",
  "REQUEST_SEND_ERROR",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

interface ErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly innerCode: string | undefined;
}

/** Reads the parts of an SDK error this provider decides on; nothing else of it is kept. */
export function errorShape(error: unknown): ErrorShape {
  const record = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const details = record.details as
    | { error?: { innerError?: { code?: unknown }; code?: unknown } }
    | undefined;
  const inner = details?.error?.innerError?.code;
  const status = typeof record.statusCode === "number" ? record.statusCode : undefined;
  return {
    name: typeof record.name === "string" ? record.name : "Error",
    message: typeof record.message === "string" ? record.message : "",
    code: typeof record.code === "string" ? record.code : undefined,
    status,
    innerCode: typeof inner === "string" ? inner : undefined,
  };
}

/**
 * Key Vault answers a disabled secret with 403 `Forbidden` + inner `SecretDisabled`; Lowkey Vault (the test
 * double) with 404 "Operation get is not allowed on a disabled entity.". Both mean the same.
 */
export function isDisabledAnswer(error: unknown): boolean {
  const shape = errorShape(error);
  if (shape.innerCode === "SecretDisabled") return true;
  return (shape.status === 403 || shape.status === 404) && /not allowed on a disabled/i.test(shape.message);
}

/** A 404 that is not a disabled secret: the name (or the pinned version) does not exist. */
export function isNotFoundAnswer(error: unknown): boolean {
  return errorShape(error).status === 404 && !isDisabledAnswer(error);
}

/**
 * The delay a 429 or 503 asks for: `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds, sent by some Azure
 * services), else `Retry-After` (seconds or an HTTP date, parsed by the core).
 */
export function retryAfterFrom(error: unknown, nowMs: number): number | undefined {
  const headers = (
    error as { response?: { headers?: { get?: (name: string) => string | undefined } } } | undefined
  )?.response?.headers;
  if (typeof headers?.get !== "function") return undefined;
  const get = (name: string) => {
    const value = headers.get!(name);
    return typeof value === "string" ? value : undefined;
  };
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const raw = get(name);
    if (raw !== undefined && /^\s*\d{1,10}\s*$/.test(raw)) return Number(raw);
  }
  return parseRetryAfter(get("retry-after"), nowMs);
}

/**
 * Maps anything `SecretClient.getSecret` (or the credential inside it) throws to a {@link SecretProviderError}:
 * 404 → not found, 401/403 → access denied naming the vault and the identity, disabled → DISABLED, 429 → THROTTLED
 * with `retryAfterMs`, 5xx and network faults → TRANSIENT, identity problems → INVALID_CONFIGURATION or
 * ACCESS_DENIED (see the README), TLS and URL problems → INVALID_CONFIGURATION.
 */
export function mapAzureError(error: unknown, context: ReadContext, nowMs: number): SecretProviderError {
  if (SecretProviderError.isInstance(error)) return error;
  const shape = errorShape(error);
  const base = {
    provider: context.provider,
    secretName: context.logicalName,
    location: context.location,
    cause: error,
  };
  const secret = `"${context.secretName}"${context.version ? ` (version ${context.version})` : ""}`;

  if (shape.name === "CredentialUnavailableError" || shape.name === "AggregateAuthenticationError") {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `No Azure identity is available to read ${secret} from ${context.vault}: ${context.identity} found none (${oneLine(shape.message)}).`,
      fix: DEFAULT_CREDENTIAL_FIX,
    });
  }
  if (shape.name === "AuthenticationError" || shape.name === "AuthenticationRequiredError") {
    return new SecretProviderError({
      ...base,
      code: "ACCESS_DENIED",
      message: `Microsoft Entra ID refused a token to ${context.identity} for ${context.vault}${shape.status ? ` (HTTP ${shape.status})` : ""}: ${oneLine(shape.message)}`,
      fix: "Check the identity's settings (tenant, client id, client secret or certificate, federated credential), and that it exists in the vault's tenant.",
    });
  }

  if (isDisabledAnswer(error)) {
    return new SecretProviderError({
      ...base,
      code: "DISABLED",
      message: `The secret ${secret} in ${context.vault} is disabled (enabled: false), so Key Vault refuses to return it.`,
      fix: `Enable it (\`az keyvault secret set-attributes --vault-name <vault> --name ${context.secretName} --enabled true\`) or store a new, enabled version.`,
    });
  }

  switch (shape.status) {
    case 400:
      return new SecretProviderError({
        ...base,
        code: "INVALID_CONFIGURATION",
        message: `${context.vault} rejected the request for ${secret} as invalid (HTTP 400${shape.code ? ` ${shape.code}` : ""}).`,
        fix: "Check the secret name (letters, digits and dashes, at most 127), the pinned version id and serviceVersion.",
      });
    case 401:
      return new SecretProviderError({
        ...base,
        code: "ACCESS_DENIED",
        message: `${context.vault} did not accept the token of ${context.identity} for ${secret} (HTTP 401${shape.code ? ` ${shape.code}` : ""}).`,
        fix: "Make sure the identity belongs to the vault's Microsoft Entra tenant (set tenantId / AZURE_TENANT_ID) and that the token is for https://vault.azure.net.",
      });
    case 403:
      return forbidden(shape, base, context, secret);
    case 404:
      return new SecretNotFoundError({
        ...base,
        message: context.version
          ? `Version ${context.version} of the secret "${context.secretName}" does not exist in ${context.vault}.`
          : `The secret "${context.secretName}" was not found in ${context.vault}.${notFoundNote(context)}`,
        fix: context.version
          ? "Pin an existing version (`az keyvault secret list-versions`), or remove `version` to read the latest."
          : `Create it (\`az keyvault secret set --vault-name <vault> --name ${context.secretName} --file <token file>\`), or recover it if it was deleted (\`az keyvault secret recover\`), or map the name with \`secretNames\`.`,
      });
    case 408:
      return new SecretProviderError({
        ...base,
        code: "TIMEOUT",
        message: `${context.vault} timed out reading ${secret} (HTTP 408).`,
        fix: "Retry later; check the network path to the vault.",
      });
    case 429:
      return new SecretProviderError({
        ...base,
        code: "THROTTLED",
        retryAfterMs: retryAfterFrom(error, nowMs),
        message: `${context.vault} throttled the read of ${secret} (HTTP 429).`,
        fix: "Read less often: keep the provider behind cached() (the default in getHfClient), share one instance per process, and stay under the vault's limit (4,000 secret transactions per 10 s per vault and region).",
      });
    default:
      break;
  }
  if (shape.status !== undefined && shape.status >= 500) {
    return new SecretProviderError({
      ...base,
      code: "TRANSIENT",
      retryAfterMs: retryAfterFrom(error, nowMs),
      message: `${context.vault} failed to answer for ${secret} (HTTP ${shape.status}${shape.code ? ` ${shape.code}` : ""}).`,
      fix: "Retry later; see https://azure.status.microsoft if it persists.",
    });
  }
  if (shape.status !== undefined) {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `${context.vault} answered HTTP ${shape.status}${shape.code ? ` ${shape.code}` : ""} to a read of ${secret}, which a Key Vault never does for a read.`,
      fix: "Check that vaultUrl is the vault's URI (https://<name>.vault.azure.net), not a portal or proxy URL.",
    });
  }
  if (shape.code !== undefined && TLS_CODES.has(shape.code)) {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `The TLS certificate of ${context.vault} is not trusted (${shape.code}).`,
      fix: "Behind a TLS-inspecting proxy or with a local emulator, add its CA to NODE_EXTRA_CA_CERTS. Never turn TLS verification off.",
    });
  }
  if (shape.code === "ENOTFOUND") {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `The vault host ${context.vault} does not resolve (ENOTFOUND).`,
      fix: "Check vaultUrl (https://<vault-name>.vault.azure.net; other clouds use other suffixes) and, with a private endpoint, the private DNS zone.",
    });
  }
  if (
    (shape.code !== undefined && NETWORK_CODES.has(shape.code)) ||
    /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT/.test(shape.message)
  ) {
    return new SecretProviderError({
      ...base,
      code: "TRANSIENT",
      message: `The connection to ${context.vault} failed (${shape.code ?? oneLine(shape.message)}).`,
      fix: "Retry later; check the network path (firewall, proxy, private endpoint) to the vault.",
    });
  }
  if (/challenge resource .* does not match/i.test(shape.message)) {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `The vault ${context.vault} asked for a token for another resource than its own domain.`,
      fix: "Use the vault's own URI (https://<name>.vault.azure.net). For an emulator or a custom domain, pass clientOptions: { disableChallengeResourceVerification: true }.",
    });
  }
  if (/allowInsecureConnection/.test(shape.message)) {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `vaultUrl must use https (${context.vault}).`,
      fix: "Use the vault's https URI. Plain http is only for local test fakes (clientOptions.allowInsecureConnection).",
    });
  }
  return new SecretProviderError({
    ...base,
    code: "TRANSIENT",
    message: `Reading ${secret} from ${context.vault} failed: ${oneLine(shape.message) || shape.name}.`,
    fix: "Retry later; if it persists, report it with this message.",
  });
}

function forbidden(
  shape: ErrorShape,
  base: { provider: string; secretName: string; location: string; cause: unknown },
  context: ReadContext,
  secret: string,
): SecretProviderError {
  const why = shape.innerCode ? ` (HTTP 403 ${shape.innerCode})` : " (HTTP 403)";
  if (shape.innerCode === "ForbiddenByFirewall") {
    return new SecretProviderError({
      ...base,
      code: "ACCESS_DENIED",
      message: `The firewall of ${context.vault} refused the request of ${context.identity} for ${secret}${why}.`,
      fix: "Allow the caller's network (vault Networking: the client's IP or virtual network, or a private endpoint); the identity's permissions are not the problem.",
    });
  }
  const model =
    shape.innerCode === "ForbiddenByRbac"
      ? " by Azure RBAC"
      : shape.innerCode === "AccessDenied" || shape.innerCode === "ForbiddenByPolicy"
        ? " by the vault's access policies"
        : "";
  return new SecretProviderError({
    ...base,
    code: "ACCESS_DENIED",
    message: `${context.identity} may not read ${secret} in ${context.vault}: denied${model}${why}.`,
    fix: `${READ_PERMISSION_FIX} Role assignments can take a few minutes to apply.`,
  });
}

function notFoundNote(context: ReadContext): string {
  if (context.notSoftDeleted) return " It is not soft-deleted either.";
  const unknown = context.softDeleteUnknown
    ? ` (whether it was deleted is unknown: ${context.softDeleteUnknown})`
    : "";
  return ` A deleted secret also answers 404: it stays soft-deleted, its name taken, until it is recovered or purged${unknown}.`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}
