import type { GetSecretValueResponse, SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import {
  createSecretValue,
  type GetSecretOptions,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  toSafeCause,
} from "@hf-secrets/core";
import { type AwsCallContext, isResourceNotFound, isScheduledForDeletion, mapAwsError } from "./aws-error.js";
import { parseKey } from "./json-field.js";
import {
  loadSecretsManagerSdk,
  readClientRegion,
  type SecretsManagerClientLike,
  type SecretsManagerSdk,
} from "./sdk-client.js";
import { type BinaryEncoding, extractSecretValue } from "./secret-payload.js";

/** The provider name used in provenance and config files. */
export const AWS_PROVIDER_NAME = "aws";

/** The stage Secrets Manager serves by default. */
export const AWS_CURRENT = "AWSCURRENT";

/** The stage a rotation writes the next value to before it becomes current. */
export const AWS_PENDING = "AWSPENDING";

/** Options of {@link fromAwsSecretsManager}. */
export interface AwsSecretsManagerOptions {
  /**
   * The secret's name or full ARN; or a function from the logical name (`HF_TOKEN`) to one, so that one
   * provider serves several logical names.
   */
  readonly secretId: string | ((name: string) => string);
  /**
   * The JSON field of the secret to return: a top-level field name (`HF_TOKEN`), or a JSON Pointer for a nested
   * one (`/hf/token`). Or a function from the logical name to a key. Default: when the secret is a JSON object
   * with a field named like the logical name, that field; otherwise the whole value.
   */
  readonly key?: string | ((name: string) => string | undefined);
  /** The staging label to read. Default `AWSCURRENT`. Exclusive with `versionId`. */
  readonly versionStage?: string;
  /** A fixed version id to read (pins the value: rotations are not seen). Exclusive with `versionStage`. */
  readonly versionId?: string;
  /** The AWS region, e.g. `us-east-1`. Default: the SDK's resolution (AWS_REGION, profile). */
  readonly region?: string;
  /** A custom endpoint (LocalStack, a VPC endpoint URL). Default: the SDK's (AWS_ENDPOINT_URL_SECRETS_MANAGER). */
  readonly endpoint?: string;
  /** A ready-made `SecretsManagerClient` (or anything with its `send`). It is not destroyed on dispose. */
  readonly client?: SecretsManagerClientLike;
  /**
   * Configuration for the client this provider creates (credentials, retry, request handler...). `maxAttempts`
   * defaults to 1 here: the hf-secrets cache retries with backoff, so SDK retries would multiply the calls.
   */
  readonly clientConfig?: SecretsManagerClientConfig;
  /** How a `SecretBinary` is returned: `"base64"` text (default, lossless) or `"utf8"` text (checked). */
  readonly binaryEncoding?: BinaryEncoding;
}

/** One invalid option: its name and what is wrong with it. */
export interface AwsOptionProblem {
  readonly option: string;
  readonly problem: string;
}

const BINARY_ENCODINGS: readonly string[] = ["base64", "utf8"];

/**
 * Checks the options that a schema cannot: exclusive pairs, non-empty strings, a valid JSON Pointer, an
 * http(s) endpoint. Returns the first problem, or `undefined`.
 */
export function checkAwsOptions(options: Partial<AwsSecretsManagerOptions>): AwsOptionProblem | undefined {
  const { secretId, key } = options;
  if (typeof secretId !== "function" && (typeof secretId !== "string" || secretId.trim() === "")) {
    return { option: "secretId", problem: "must be the secret's name or ARN (a non-empty string)" };
  }
  if (key !== undefined && typeof key !== "function") {
    if (typeof key !== "string" || key === "")
      return { option: "key", problem: "must be a non-empty string" };
    if (parseKey(key) === undefined) {
      return {
        option: "key",
        problem: "is not a valid JSON Pointer (use ~1 for / and ~0 for ~ inside a segment)",
      };
    }
  }
  if (options.versionStage !== undefined && options.versionId !== undefined) {
    return { option: "versionId", problem: 'cannot be combined with "versionStage": set one of them' };
  }
  for (const field of ["versionStage", "versionId", "region"] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      return { option: field, problem: "must be a non-empty string" };
    }
  }
  if (options.binaryEncoding !== undefined && !BINARY_ENCODINGS.includes(options.binaryEncoding)) {
    return { option: "binaryEncoding", problem: 'must be "base64" or "utf8"' };
  }
  if (options.endpoint !== undefined && !isHttpUrl(options.endpoint)) {
    return { option: "endpoint", problem: "must be an http:// or https:// URL" };
  }
  if (options.client !== undefined) {
    if (typeof (options.client as { send?: unknown }).send !== "function") {
      return { option: "client", problem: "must be a SecretsManagerClient (an object with a send() method)" };
    }
    if (options.clientConfig !== undefined) {
      return {
        option: "clientConfig",
        problem: 'cannot be combined with "client": configure the client you pass',
      };
    }
  }
  return undefined;
}

/**
 * Reads secrets from AWS Secrets Manager with `GetSecretValue`.
 *
 * - The value is the `SecretString` (plain or a JSON field, see `key`) or the `SecretBinary` (base64, or UTF-8
 *   when asked); `version` is the version id; `location` is `aws:<secretId>#<key>@<stage> (<region>)`.
 * - Absent secrets are `SecretNotFoundError` (a chain moves on); denied access, rejected credentials, a secret
 *   scheduled for deletion, or a JSON secret without the key stop the chain with a code and a fix; throttling,
 *   5xx and network errors are transient (the cache's retries and stale-if-error apply).
 * - `getPendingSecret` reads `AWSPENDING`, which the HF client tries once when the current token is rejected
 *   during a rotation.
 *
 * `@aws-sdk/client-secrets-manager` is imported at first use (a peer dependency). Put the provider behind
 * `cached()` (as `getHfClient()` does): one `GetSecretValue` per name per refresh, whatever the traffic.
 *
 * @example
 * const provider = fromAwsSecretsManager({ secretId: "prod/hf", key: "HF_TOKEN", region: "eu-west-1" });
 * const { value, location, version } = await provider.getSecret("HF_TOKEN");
 */
export function fromAwsSecretsManager(options: AwsSecretsManagerOptions): SecretProvider {
  const problem = checkAwsOptions(options);
  if (problem) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: AWS_PROVIDER_NAME,
      message: `fromAwsSecretsManager(): "${problem.option}" ${problem.problem}.`,
      fix: `Pass a valid "${problem.option}".`,
    });
  }
  const binaryEncoding = options.binaryEncoding ?? "base64";
  const configuredRegion =
    options.region ??
    (typeof options.clientConfig?.region === "string" ? options.clientConfig.region : undefined);
  const endpoint = options.endpoint ?? endpointText(options.clientConfig?.endpoint);

  let sdkPromise: Promise<SecretsManagerSdk> | undefined;
  let clientPromise: Promise<SecretsManagerClientLike> | undefined;
  let ownedClient: SecretsManagerClientLike | undefined;
  let region = configuredRegion;
  let regionPromise: Promise<string | undefined> | undefined;
  let disposed = false;

  const sdk = (): Promise<SecretsManagerSdk> => {
    if (sdkPromise === undefined) {
      const attempt = loadSecretsManagerSdk(AWS_PROVIDER_NAME);
      sdkPromise = attempt;
      // A failed import is not kept: installing the package and calling again works without a restart.
      attempt.catch(() => {
        if (sdkPromise === attempt) sdkPromise = undefined;
      });
    }
    return sdkPromise;
  };

  const client = (): Promise<SecretsManagerClientLike> => {
    if (options.client) return Promise.resolve(options.client);
    if (clientPromise === undefined) {
      const attempt = sdk().then((module) => {
        const created = new module.SecretsManagerClient({
          // The hf-secrets cache retries transient errors with full-jitter backoff, honours Retry-After and serves
          // the previous value meanwhile; SDK retries under it would multiply the calls (3 × 3) and hold callers.
          maxAttempts: 1,
          ...options.clientConfig,
          requestHandler: silentRequestHandler(options.clientConfig?.requestHandler),
          ...(options.region ? { region: options.region } : {}),
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        });
        ownedClient = created;
        return created;
      });
      clientPromise = attempt;
      attempt.catch(() => {
        if (clientPromise === attempt) clientPromise = undefined;
      });
    }
    return clientPromise;
  };

  const resolveRegion = (ready: SecretsManagerClientLike): Promise<string | undefined> => {
    if (region !== undefined) return Promise.resolve(region);
    regionPromise ??= readClientRegion(ready).then((found) => {
      region = found;
      return found;
    });
    return regionPromise;
  };

  const target = (name: string): { secretId: string; key: string | undefined } => {
    const secretId =
      typeof options.secretId === "function"
        ? callOption(options.secretId, name, "secretId")
        : options.secretId;
    if (typeof secretId !== "string" || secretId.trim() === "") {
      throw invalid(
        name,
        `the "secretId" function returned no secret id for "${name}"`,
        "Return a secret name or ARN for every logical name the app asks for.",
      );
    }
    const key = typeof options.key === "function" ? callOption(options.key, name, "key") : options.key;
    if (key !== undefined && (typeof key !== "string" || key === "" || parseKey(key) === undefined)) {
      throw invalid(
        name,
        `the "key" function returned an invalid key for "${name}"`,
        "Return a field name, a JSON Pointer such as /hf/token, or undefined.",
      );
    }
    return { secretId, key };
  };

  const versionLabel = options.versionId ?? options.versionStage ?? AWS_CURRENT;

  const locationOf = (
    secretId: string,
    key: string | undefined,
    label: string,
    knownRegion: string | undefined,
  ) => {
    const keyPart = key === undefined ? "" : `#${key}`;
    // An ARN already names its region.
    const regionPart = knownRegion && !secretId.startsWith("arn:") ? ` (${knownRegion})` : "";
    return `aws:${secretId}${keyPart}@${label}${regionPart}`;
  };

  const read = async (
    name: string,
    version: { stage?: string; id?: string },
    signal: AbortSignal | undefined,
  ): Promise<SecretValue> => {
    if (disposed) throw disposedError(name);
    if (signal?.aborted) throw abortedError(name, signal);
    const { secretId, key } = target(name);
    const label = version.id ?? version.stage ?? AWS_CURRENT;
    const [module, ready] = await Promise.all([sdk(), client()]);
    const knownRegion = await resolveRegion(ready);
    const context: AwsCallContext = {
      provider: AWS_PROVIDER_NAME,
      name,
      secretId,
      version: label,
      region: knownRegion,
      endpoint,
      location: locationOf(secretId, key, label, knownRegion),
      signal,
    };
    let response: GetSecretValueResponse;
    try {
      const input = version.id
        ? { SecretId: secretId, VersionId: version.id }
        : { SecretId: secretId, VersionStage: label };
      response = (await ready.send(
        new module.GetSecretValueCommand(input),
        sendOptions(signal),
      )) as GetSecretValueResponse;
    } catch (error) {
      if (isScheduledForDeletion(error)) throw await deletionError(module, ready, context, error);
      throw mapAwsError(error, context);
    }
    const extracted = extractSecretValue(response, {
      provider: AWS_PROVIDER_NAME,
      name,
      secretId,
      key,
      binaryEncoding,
      location: (usedKey) => locationOf(secretId, usedKey, label, knownRegion),
    });
    return createSecretValue({
      value: extracted.value,
      provider: AWS_PROVIDER_NAME,
      location: locationOf(secretId, extracted.key, label, knownRegion),
      version: response.VersionId,
      warnings: extracted.warnings,
    });
  };

  return {
    name: AWS_PROVIDER_NAME,
    describe(name: string): string {
      try {
        const { secretId, key } = target(name);
        return locationOf(secretId, key, versionLabel, region);
      } catch {
        return `aws:<secretId for ${name}>@${versionLabel}`;
      }
    },
    getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      return read(
        name,
        { stage: options.versionStage ?? AWS_CURRENT, id: options.versionId },
        getOptions?.signal,
      );
    },
    async getPendingSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue | undefined> {
      // A pinned version never rotates: there is nothing pending to try.
      if (options.versionId !== undefined) return undefined;
      try {
        return await read(name, { stage: AWS_PENDING }, getOptions?.signal);
      } catch (error) {
        // No version carries AWSPENDING: no rotation is in progress.
        if (SecretNotFoundError.isInstance(error)) return undefined;
        throw error;
      }
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      const created = ownedClient;
      ownedClient = undefined;
      clientPromise = undefined;
      created?.destroy?.();
    },
  };
}

async function deletionError(
  module: SecretsManagerSdk,
  client: SecretsManagerClientLike,
  context: AwsCallContext,
  original: unknown,
): Promise<SecretProviderError> {
  let when = "";
  let note = "";
  try {
    const described = (await client.send(
      new module.DescribeSecretCommand({ SecretId: context.secretId }),
      sendOptions(context.signal),
    )) as { DeletedDate?: Date | string | number };
    const date = described.DeletedDate === undefined ? undefined : new Date(described.DeletedDate);
    if (date !== undefined && !Number.isNaN(date.getTime())) when = ` (DeletedDate ${date.toISOString()})`;
  } catch (error) {
    const reason = isResourceNotFound(error)
      ? "it no longer exists"
      : `DescribeSecret failed: ${toSafeCause(error).name}`;
    note = ` Its deletion date is unknown (${reason}; \`secretsmanager:DescribeSecret\` shows it).`;
  }
  const region = context.region ? ` in ${context.region}` : "";
  return new SecretProviderError({
    code: "DISABLED",
    provider: context.provider,
    secretName: context.name,
    location: context.location,
    message: `Secret "${context.secretId}"${region} is scheduled for deletion${when}, so Secrets Manager refuses to return its value.${note}`,
    fix: `If it is still needed, restore it before the recovery window ends: \`aws secretsmanager restore-secret --secret-id ${context.secretId}\`; otherwise point "secretId" at the secret that replaces it.`,
    cause: original,
  });
}

const SILENT_LOGGER = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

// The SDK's HTTP handler writes warnings to the console (socket capacity, request timeouts) unless it has a
// logger; this provider is silent. A ready-made handler instance is used as given.
function silentRequestHandler(
  handler: SecretsManagerClientConfig["requestHandler"],
): SecretsManagerClientConfig["requestHandler"] {
  if (handler === undefined) return { logger: SILENT_LOGGER };
  if (typeof (handler as { handle?: unknown }).handle === "function") return handler;
  return { logger: SILENT_LOGGER, ...(handler as Record<string, unknown>) };
}

function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

function callOption<T>(fn: (name: string) => T, name: string, option: string): T {
  try {
    return fn(name);
  } catch (error) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: AWS_PROVIDER_NAME,
      secretName: name,
      message: `The "${option}" function threw for "${name}".`,
      fix: `Make the "${option}" function return a value for every logical name; see \`cause\`.`,
      cause: error,
    });
  }
}

function invalid(name: string, message: string, fix: string): SecretProviderError {
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: AWS_PROVIDER_NAME,
    secretName: name,
    message: `${message.charAt(0).toUpperCase()}${message.slice(1)}.`,
    fix,
  });
}

function abortedError(name: string, signal: AbortSignal): SecretProviderError {
  if (SecretProviderError.isInstance(signal.reason)) return signal.reason;
  return new SecretProviderError({
    code: "ABORTED",
    provider: AWS_PROVIDER_NAME,
    secretName: name,
    message: `Reading "${name}" was aborted by the caller's signal.`,
  });
}

function disposedError(name: string): SecretProviderError {
  return new SecretProviderError({
    code: "DISPOSED",
    provider: AWS_PROVIDER_NAME,
    secretName: name,
    message: `Cannot read "${name}": this AWS Secrets Manager provider was disposed.`,
    fix: "Create a new provider after dispose().",
  });
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function endpointText(endpoint: unknown): string | undefined {
  return typeof endpoint === "string" ? endpoint : undefined;
}
