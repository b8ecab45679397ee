import {
  parseRetryAfter,
  type SecretErrorCode,
  SecretNotFoundError,
  SecretProviderError,
  toSafeCause,
} from "@hf-secrets/core";

/** Where a failed call was going, for the messages of {@link mapAwsError}. */
export interface AwsCallContext {
  /** Provider name, `"aws"`. */
  readonly provider: string;
  /** The logical name (`HF_TOKEN`). */
  readonly name: string;
  /** The secret name or ARN sent to AWS. */
  readonly secretId: string;
  /** The version asked for: a stage (`AWSCURRENT`) or a version id. */
  readonly version: string;
  /** The region, when known. */
  readonly region: string | undefined;
  /** The endpoint, when one was configured (LocalStack, a VPC endpoint). */
  readonly endpoint: string | undefined;
  readonly location: string;
  /** The caller's signal: an abort carrying an hf-secrets error (the cache's timeout) is passed on as is. */
  readonly signal?: AbortSignal | undefined;
}

const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "NotAuthorized"]);
const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "RequestExpired",
]);
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "PriorRequestNotComplete",
]);
const SERVER_FAULTS = new Set([
  "InternalServiceError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

interface ErrorFacts {
  readonly name: string;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly message: string;
  readonly retryAfterMs: number | undefined;
}

/** True for the `InvalidRequestException` Secrets Manager returns for a secret that is scheduled for deletion. */
export function isScheduledForDeletion(error: unknown): boolean {
  const facts = factsOf(error);
  return facts.name === "InvalidRequestException" && /\b(marked|scheduled)\b.*\bdelet/i.test(facts.message);
}

/** True for `ResourceNotFoundException` (no such secret, or no version with that stage or id). */
export function isResourceNotFound(error: unknown): boolean {
  return factsOf(error).name === "ResourceNotFoundException";
}

/**
 * Maps anything the AWS SDK (or the network under it) throws to a {@link SecretProviderError}, faithfully:
 *
 * - `ResourceNotFoundException` → `SecretNotFoundError` (a chain moves on);
 * - `AccessDeniedException`, `DecryptionFailure` and rejected credentials (`UnrecognizedClientException`,
 *   `InvalidSignatureException`, `ExpiredTokenException`, HTTP 401/403) → `ACCESS_DENIED`, naming the secret,
 *   the region and the IAM actions needed;
 * - throttling and HTTP 429 → `THROTTLED` with the `Retry-After` header when AWS sent one;
 * - 5xx, resets, refused connections, `socket hang up` → `TRANSIENT`; timeouts → `TIMEOUT`;
 * - invalid parameters, missing region or credentials → `INVALID_CONFIGURATION`.
 *
 * The SDK error is kept only as a reduced `cause` (name, code, status, message): never its request or response.
 */
export function mapAwsError(error: unknown, context: AwsCallContext): SecretProviderError {
  if (SecretProviderError.isInstance(error)) return error;
  const facts = factsOf(error);
  const cause = toSafeCause(error);
  const base = { provider: context.provider, secretName: context.name, location: context.location, cause };
  const secret = `secret "${context.secretId}"${context.region ? ` in ${context.region}` : ""}`;
  const make = (code: SecretErrorCode, message: string, fix: string, retryAfterMs?: number) =>
    new SecretProviderError({
      ...base,
      code,
      message,
      fix,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  if (facts.name === "AbortError" || context.signal?.aborted) {
    const reason: unknown = context.signal?.reason;
    if (SecretProviderError.isInstance(reason)) return reason;
    return make(
      "ABORTED",
      `Reading ${secret} was aborted by the caller's signal.`,
      "Nothing to fix if the abort was intended.",
    );
  }

  if (facts.name === "ResourceNotFoundException") {
    const versionMissing = /staging label|VersionId|version/i.test(facts.message);
    return new SecretNotFoundError({
      ...base,
      message: versionMissing
        ? `Secret "${context.secretId}" exists${context.region ? ` in ${context.region}` : ""} but has no version ${context.version}.`
        : `Secret "${context.secretId}" was not found${context.region ? ` in ${context.region}` : ""}.`,
      fix: versionMissing
        ? `Check "versionStage"/"versionId", or attach the stage: \`aws secretsmanager update-secret-version-stage --secret-id ${context.secretId} --version-stage ${context.version} --move-to-version-id <id>\`.`
        : `Create it (\`aws secretsmanager create-secret --name ${context.secretId} --secret-string file://value.txt\`), or check "secretId" and the region (AWS_REGION).`,
    });
  }

  const permissions = `Allow \`secretsmanager:GetSecretValue\` on ${secretArnHint(context)} for the identity this process runs as (and \`kms:Decrypt\` on the secret's KMS key when it is a customer-managed key).`;
  if (ACCESS_DENIED.has(facts.name) || facts.name === "DecryptionFailure") {
    const kms = facts.name === "DecryptionFailure";
    return make(
      "ACCESS_DENIED",
      kms
        ? `AWS could not decrypt ${secret} for this identity (DecryptionFailure): \`kms:Decrypt\` on the secret's KMS key is missing or the key is disabled; \`secretsmanager:GetSecretValue\` also applies.`
        : `AWS denied \`secretsmanager:GetSecretValue\` on ${secret} (${facts.name}).`,
      kms
        ? `Allow \`kms:Decrypt\` on the secret's KMS key (and check the key is enabled). ${permissions}`
        : permissions,
    );
  }
  if (BAD_CREDENTIALS.has(facts.name) || facts.status === 401 || facts.status === 403) {
    return make(
      "ACCESS_DENIED",
      `AWS rejected the credentials used to read ${secret} (${facts.name}${facts.status ? `, HTTP ${facts.status}` : ""}); \`secretsmanager:GetSecretValue\` was not evaluated.`,
      `Check the AWS credentials of this process (role, AWS_PROFILE, AWS_ACCESS_KEY_ID; session credentials expire) and that they belong to the account and region of the secret. Then: ${permissions}`,
    );
  }

  if (THROTTLING.has(facts.name) || facts.status === 429) {
    return make(
      "THROTTLED",
      `AWS throttled \`GetSecretValue\` on ${secret} (${facts.name}${facts.retryAfterMs === undefined ? "" : `, retry after ${facts.retryAfterMs} ms`}).`,
      "Keep the hf-secrets cache in front of this provider (one call per name per refresh, shared by all callers); check for other clients calling GetSecretValue in a loop.",
      facts.retryAfterMs,
    );
  }

  if (TIMEOUTS.has(facts.name) || (facts.code !== undefined && TIMEOUT_CODES.has(facts.code))) {
    return make(
      "TIMEOUT",
      `Reading ${secret} timed out (${facts.code ?? facts.name}).`,
      `Check the network path to ${context.endpoint ?? "Secrets Manager"} (VPC endpoint, NAT, proxy); the cache retries with backoff.`,
    );
  }
  if (
    (facts.code !== undefined && NETWORK_CODES.has(facts.code)) ||
    /socket hang up|ECONNRESET|ECONNREFUSED|network error|fetch failed/i.test(facts.message)
  ) {
    return make(
      "TRANSIENT",
      `The connection to ${context.endpoint ?? "Secrets Manager"} failed while reading ${secret} (${facts.code ?? facts.message.slice(0, 80)}).`,
      context.endpoint
        ? `Check that ${context.endpoint} is reachable from this process ("endpoint" option or AWS_ENDPOINT_URL_SECRETS_MANAGER).`
        : "Check the network path to Secrets Manager (VPC endpoint, NAT, proxy, DNS); the cache retries with backoff.",
    );
  }
  if (SERVER_FAULTS.has(facts.name) || (facts.status !== undefined && facts.status >= 500)) {
    return make(
      "TRANSIENT",
      `Secrets Manager failed to answer for ${secret} (${facts.name}${facts.status ? `, HTTP ${facts.status}` : ""}).`,
      "Nothing to fix on your side if it passes: the cache retries with backoff and serves the previous value meanwhile.",
      facts.retryAfterMs,
    );
  }

  if (facts.name === "CredentialsProviderError" || /could not load credentials/i.test(facts.message)) {
    return make(
      "INVALID_CONFIGURATION",
      `No AWS credentials were found to read ${secret}.`,
      "Run with an IAM role (EC2 instance profile, ECS task role, EKS Pod Identity / IRSA, Lambda role) or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
    );
  }
  if (/region is missing/i.test(facts.message)) {
    return make(
      "INVALID_CONFIGURATION",
      `No AWS region is configured to read secret "${context.secretId}".`,
      'Set the "region" option, or AWS_REGION in the environment, or use the secret\'s full ARN with a region in clientConfig.',
    );
  }
  if (
    facts.name === "InvalidParameterException" ||
    facts.name === "InvalidRequestException" ||
    facts.name === "ValidationException"
  ) {
    return make(
      "INVALID_CONFIGURATION",
      `AWS refused the request for ${secret} (${facts.name}: ${facts.message.slice(0, 200)}).`,
      'Check "secretId" (a name or a full ARN), "versionStage" and "versionId".',
    );
  }
  if (facts.status !== undefined && facts.status >= 400 && facts.status < 500) {
    return make(
      "INVALID_CONFIGURATION",
      `AWS refused the request for ${secret} (${facts.name}, HTTP ${facts.status}).`,
      'Check the provider options ("secretId", "region", "endpoint") and the AWS credentials.',
    );
  }
  return make(
    "TRANSIENT",
    `Reading ${secret} failed unexpectedly (${facts.name}).`,
    "See `cause`; the cache retries with backoff. If it persists, check the endpoint and the SDK version.",
  );
}

function factsOf(error: unknown): ErrorFacts {
  const source = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const name = typeof source.name === "string" ? source.name : "Error";
  const code = typeof source.code === "string" ? source.code : undefined;
  const metadata = source.$metadata as { httpStatusCode?: unknown } | undefined;
  const rawStatus = metadata?.httpStatusCode ?? source.statusCode;
  const status = typeof rawStatus === "number" ? rawStatus : undefined;
  const message = typeof source.message === "string" ? source.message : "";
  // Only the Retry-After header is read from the raw response; the response itself never travels further.
  const response = source.$response as { headers?: Record<string, string | undefined> } | undefined;
  const header = response?.headers?.["retry-after"] ?? response?.headers?.["Retry-After"];
  return { name, code, status, message, retryAfterMs: parseRetryAfter(header) };
}

function secretArnHint(context: AwsCallContext): string {
  if (context.secretId.startsWith("arn:")) return `\`${context.secretId}\``;
  // A secret's ARN ends with a random 6-character suffix, hence the wildcard.
  return `\`arn:aws:secretsmanager:${context.region ?? "<region>"}:<account-id>:secret:${context.secretId}-??????\``;
}
