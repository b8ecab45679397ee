import { parseRetryAfter, SecretNotFoundError, SecretProviderError, toSafeCause } from "@hf-secrets/core";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

const PROVIDER = KUBERNETES_PROVIDER_NAME;
const MAX_SERVER_MESSAGE = 300;

/** What a failed API call was doing, for the error's message and fix. */
export interface ApiCallSite {
  readonly namespace: string;
  /** The Secret's name. */
  readonly secretName: string;
  /** The RBAC verb of the request: `get` (a read) or `watch`. */
  readonly verb: "get" | "watch";
  /** The verbs the provider needs overall (`get`, plus `watch` with `watch: true`), for the Role it suggests. */
  readonly neededVerbs: readonly string[];
  readonly location: string;
  /** The logical name being read, if any. */
  readonly logicalName?: string | undefined;
}

const TRANSIENT_NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_NETWORK = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Maps whatever `@kubernetes/client-node` threw (an `ApiException` with `code`, a watch error with
 * `statusCode`, a network error) to a SecretProviderError: 404 → not found; 401/403 → `ACCESS_DENIED` naming
 * the namespace, the Secret and the missing RBAC verb, with the Role that grants it; 429 → `THROTTLED`;
 * 5xx and network faults → `TRANSIENT`/`TIMEOUT`; TLS failures → `INVALID_CONFIGURATION`. The client's
 * exception (which carries response headers and body) never becomes the cause: only status and reason do.
 */
export function toKubernetesApiError(error: unknown, site: ApiCallSite): SecretProviderError {
  if (SecretProviderError.isInstance(error)) return error;
  const record = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const status =
    typeof record.code === "number"
      ? record.code
      : typeof record.statusCode === "number"
        ? record.statusCode
        : undefined;
  const base = { provider: PROVIDER, secretName: site.logicalName, location: site.location };
  const what = `Secret "${site.secretName}" in namespace "${site.namespace}"`;

  if (status !== undefined) {
    const serverMessage = readServerMessage(record.body);
    const cause = Object.assign(new Error(`HTTP ${status}${serverMessage ? `: ${serverMessage}` : ""}`), {
      name: "KubernetesApiError",
      statusCode: status,
    });
    if (status === 404) {
      return new SecretNotFoundError({
        ...base,
        message: `The ${what} does not exist (404).`,
        fix: `Create it (kubectl create secret generic ${site.secretName} -n ${site.namespace} --from-literal=HF_TOKEN=...), or correct name/namespace.`,
      });
    }
    if (status === 401) {
      return new SecretProviderError({
        ...base,
        code: "ACCESS_DENIED",
        message: `The API server rejected the credentials (401 Unauthorized) while reading the ${what}.`,
        fix: "In a pod, check that the service-account token is mounted and not expired; elsewhere, refresh the kubeconfig's credentials (kubectl auth whoami).",
        cause,
      });
    }
    if (status === 403) {
      const user = /User "([^"]+)" cannot/.exec(serverMessage ?? "")?.[1];
      return new SecretProviderError({
        ...base,
        code: "ACCESS_DENIED",
        message: `${user ? `"${user}"` : "This identity"} may not "${site.verb}" the ${what} (403 Forbidden): RBAC grants no "${site.verb}" on "secrets" with resourceNames ["${site.secretName}"].`,
        fix: `Grant it with this Role and RoleBinding (kubectl apply -f -):\n${rbacManifest(site, user)}`,
        cause,
      });
    }
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(readHeader(record.headers, "retry-after"));
      return new SecretProviderError({
        ...base,
        code: status === 429 ? "THROTTLED" : status === 504 ? "TIMEOUT" : "TRANSIENT",
        message: `The API server answered ${status} while reading the ${what}.`,
        fix:
          status === 429
            ? "Retried after the server's Retry-After."
            : "Retried with backoff; check the API server's health if it persists.",
        retryAfterMs,
        cause,
      });
    }
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `The API server refused the request for the ${what} (${status}${serverMessage ? `: ${serverMessage}` : ""}).`,
      fix: "Check name and namespace (they must be valid Kubernetes names) and the cluster address.",
      cause,
    });
  }

  const code = networkCode(record);
  if (code !== undefined && /CERT|SELF_SIGNED|TLS|SSL|ALTNAME|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return new SecretProviderError({
      ...base,
      code: "INVALID_CONFIGURATION",
      message: `The API server's TLS certificate was not accepted (${code}).`,
      fix: "Check the cluster's certificate-authority(-data) in the kubeconfig, or the pod's service-account ca.crt.",
      cause: toSafeCause(error),
    });
  }
  return new SecretProviderError({
    ...base,
    code: code !== undefined && TIMEOUT_NETWORK.has(code) ? "TIMEOUT" : "TRANSIENT",
    message: `The Kubernetes API could not be reached while reading the ${what}${code ? ` (${code})` : ""}.`,
    fix:
      code !== undefined && !TRANSIENT_NETWORK.has(code) && !TIMEOUT_NETWORK.has(code)
        ? "See `cause`; retried with backoff."
        : "Retried with backoff; check the cluster address and the network path to the API server.",
    cause: toSafeCause(error),
  });
}

/** A Role and RoleBinding that grant `neededVerbs` on exactly this Secret to `user` (or a placeholder). */
export function rbacManifest(
  site: Pick<ApiCallSite, "namespace" | "secretName" | "neededVerbs">,
  user?: string,
): string {
  const roleName = `hf-secrets-read-${site.secretName}`.slice(0, 253);
  const sa = user === undefined ? undefined : /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  const subject = sa
    ? `{kind: ServiceAccount, name: ${sa[2]}, namespace: ${sa[1]}}`
    : user !== undefined
      ? `{kind: User, apiGroup: rbac.authorization.k8s.io, name: ${JSON.stringify(user)}}`
      : `{kind: ServiceAccount, name: <your-service-account>, namespace: ${site.namespace}}`;
  const verbs = site.neededVerbs.map((v) => JSON.stringify(v)).join(", ");
  return [
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: Role",
    `metadata: {name: ${roleName}, namespace: ${site.namespace}}`,
    "rules:",
    '- apiGroups: [""]',
    '  resources: ["secrets"]',
    `  resourceNames: [${JSON.stringify(site.secretName)}]`,
    `  verbs: [${verbs}]`,
    "---",
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: RoleBinding",
    `metadata: {name: ${roleName}, namespace: ${site.namespace}}`,
    `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${roleName}}`,
    "subjects:",
    `- ${subject}`,
  ].join("\n");
}

function readServerMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message.slice(0, MAX_SERVER_MESSAGE) : undefined;
}

function readHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === "string") return value;
  }
  return undefined;
}

function networkCode(record: Record<string, unknown>): string | undefined {
  for (const candidate of [
    record.code,
    (record.cause as Record<string, unknown> | undefined)?.code,
    record.errno,
  ]) {
    if (typeof candidate === "string") return candidate;
  }
  return undefined;
}
