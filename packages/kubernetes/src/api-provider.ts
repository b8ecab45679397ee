import {
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  systemClock,
} from "@hf-secrets/core";
import type { KubeConfig } from "@kubernetes/client-node";
import { abortedError, raceAbort, throwIfAborted } from "./abort.js";
import { type ApiCallSite, toKubernetesApiError } from "./api-errors.js";
import { type ClientImporter, type KubernetesClientModule, loadKubernetesClient } from "./client-loader.js";
import { decodeBase64Strict, decodeUtf8Strict } from "./decode.js";
import { createKubeConfig, resolveNamespace } from "./kube-config.js";
import type { CoreV1ApiLike, KubernetesApiOptions, SecretObject, WatchLike } from "./options.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";
import { apiKeyProblem, checkConfiguredKeys, resolveKey } from "./secret-keys.js";
import { SecretWatch } from "./secret-watch.js";

const PROVIDER = KUBERNETES_PROVIDER_NAME;
const MAX_LISTED_KEYS = 30;
// metadata.name of a Secret: a DNS subdomain; a namespace: a DNS label.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface Runtime {
  readonly api: CoreV1ApiLike;
  readonly watchApi: WatchLike | undefined;
  readonly namespace: string;
}

/**
 * API mode of `fromKubernetesSecret`: `GET` the Secret with `@kubernetes/client-node` (imported at the first
 * call), decode `data[key]` strictly, and optionally keep one watch on that Secret.
 *
 * @param importer - replaces the dynamic import of `@kubernetes/client-node` (tests).
 */
export function createApiProvider(options: KubernetesApiOptions, importer?: ClientImporter): SecretProvider {
  checkNames(options);
  checkConfiguredKeys(options, apiKeyProblem);
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const neededVerbs = options.watch ? ["get", "watch"] : ["get"];
  let runtime: Promise<Runtime> | undefined;
  let namespace = options.namespace;
  let lastResourceVersion: string | undefined;
  const subscribers = new Set<() => void>();
  let secretWatch: SecretWatch | undefined;
  let watchStarting = false;
  let disposed = false;

  const secretLocation = () => `kubernetes:${namespace ?? "<namespace>"}/${options.name}`;
  const locationOf = (key: string) => `${secretLocation()}#${key}`;
  const describe = (name: string) => locationOf(resolveKey(name, options).key);
  const siteOf = (verb: "get" | "watch", logicalName?: string, key?: string): ApiCallSite => ({
    namespace: namespace ?? "<namespace>",
    secretName: options.name,
    verb,
    neededVerbs,
    location: key === undefined ? secretLocation() : locationOf(key),
    logicalName,
  });

  const getRuntime = (): Promise<Runtime> => {
    runtime ??= createRuntime(options, env, importer).then(
      (created) => {
        namespace = created.namespace;
        return created;
      },
      (error: unknown) => {
        runtime = undefined;
        throw error;
      },
    );
    return runtime;
  };

  const read = async (rt: Runtime, signal: AbortSignal | undefined): Promise<SecretObject> => {
    const call = rt.api.readNamespacedSecret(
      { name: options.name, namespace: rt.namespace },
      signalOptions(signal),
    );
    const secret = await (signal ? raceAbort(call, signal) : call);
    const version = secret.metadata?.resourceVersion;
    if (typeof version === "string") lastResourceVersion = version;
    return secret;
  };

  const malformed = (name: string, key: string, problem: string, fix: string) =>
    new SecretProviderError({
      code: "MALFORMED_SECRET",
      provider: PROVIDER,
      secretName: name,
      location: locationOf(key),
      message: `The key "${key}" of the Secret "${options.name}" in namespace "${namespace}" ${problem}.`,
      fix,
    });

  const startWatch = () => {
    if (secretWatch || watchStarting || disposed) return;
    watchStarting = true;
    getRuntime().then(
      (rt) => {
        watchStarting = false;
        if (disposed || subscribers.size === 0 || secretWatch || !rt.watchApi) return;
        secretWatch = new SecretWatch({
          watchApi: rt.watchApi,
          path: `/api/v1/namespaces/${encodeURIComponent(rt.namespace)}/secrets`,
          secretName: options.name,
          relist: async () => {
            try {
              return (await read(rt, undefined)).metadata?.resourceVersion;
            } catch (error) {
              const mapped = toKubernetesApiError(error, siteOf("get"));
              if (mapped.code === "NOT_FOUND") return undefined;
              throw mapped;
            }
          },
          lastSeen: () => lastResourceVersion,
          onChange: () => {
            for (const subscriber of [...subscribers]) subscriber();
          },
          onError: (error) => reportWatchError(toKubernetesApiError(error, siteOf("watch"))),
          clock,
          random: options.random ?? Math.random,
          backoff: { baseDelayMs: 500, maxDelayMs: 30_000, ...options.watchBackoff },
          timeoutSeconds: options.watchTimeoutSeconds ?? 300,
        });
        secretWatch.start();
      },
      (error: unknown) => {
        watchStarting = false;
        reportWatchError(toKubernetesApiError(error, siteOf("watch")));
      },
    );
  };

  const reportWatchError = (error: SecretProviderError) => {
    try {
      options.onWatchError?.(error);
    } catch {
      // The application's listener must not break the watch loop.
    }
  };

  const provider: SecretProvider = {
    name: PROVIDER,
    describe,
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      const signal = getOptions?.signal;
      throwIfAborted(signal, name);
      // Configured keys were checked at construction; a logical name used as a key is checked here.
      const { key } = resolveKey(name, options);
      const problem = apiKeyProblem(key);
      if (problem !== undefined) {
        throw new SecretNotFoundError({
          provider: PROVIDER,
          secretName: name,
          location: locationOf(key),
          message: `"${name}" cannot be a key of a Kubernetes Secret: it ${problem}.`,
          fix: `Map it to a key with "keys": { "${name}": "..." }.`,
        });
      }
      const rt = await (signal ? raceAbort(getRuntime(), signal) : getRuntime());
      let secret: SecretObject;
      try {
        secret = await read(rt, signal);
      } catch (error) {
        if (signal?.aborted) throw abortedError(signal, name);
        throw toKubernetesApiError(error, siteOf("get", name, key));
      }
      const data = secret.data ?? {};
      if (!Object.hasOwn(data, key)) {
        const keys = Object.keys(data).sort();
        const present =
          keys.length === 0
            ? "It has no data."
            : `Keys present: ${keys.slice(0, MAX_LISTED_KEYS).join(", ")}${keys.length > MAX_LISTED_KEYS ? `, ... (${keys.length} in all)` : ""}.`;
        throw new SecretNotFoundError({
          provider: PROVIDER,
          secretName: name,
          location: locationOf(key),
          message: `The Secret "${options.name}" in namespace "${rt.namespace}" has no key "${key}". ${present}`,
          fix: `Add "${key}" to the Secret, or set ${name === HF_TOKEN ? '"key"' : `"keys.${name}"`} to one of the keys present.`,
        });
      }
      const encoded = data[key];
      const bytes = typeof encoded === "string" ? decodeBase64Strict(encoded) : undefined;
      if (bytes === undefined) {
        throw malformed(
          name,
          key,
          "is not valid base64, which every value of a Secret's data must be",
          "Write the value through stringData or `kubectl create secret generic --from-literal`, which encode it, or base64-encode it (base64 -w0) in data.",
        );
      }
      const text = decodeUtf8Strict(bytes);
      if (text === undefined) {
        throw malformed(
          name,
          key,
          `is not valid UTF-8 text (${bytes.length} bytes)`,
          `Store "${key}" as UTF-8 text.`,
        );
      }
      const value = name === HF_TOKEN ? cleanHfToken(text) : text;
      if (value === undefined) {
        throw new SecretNotFoundError({
          provider: PROVIDER,
          secretName: name,
          location: locationOf(key),
          message: `The key "${key}" of the Secret "${options.name}" in namespace "${rt.namespace}" holds only whitespace or line breaks, which means "no token".`,
          fix: `Put the token in "${key}", or remove the key so the next source is used.`,
        });
      }
      return createSecretValue({
        value,
        provider: PROVIDER,
        location: locationOf(key),
        version: secret.metadata?.resourceVersion,
      });
    },
    async dispose(): Promise<void> {
      disposed = true;
      subscribers.clear();
      secretWatch?.stop();
      secretWatch = undefined;
    },
  };
  if (options.watch) {
    Object.assign(provider, {
      watch(_name: string, onChange: () => void): () => void {
        if (disposed) return () => {};
        // Every logical name lives in the one Secret: one watch serves all of them.
        const subscriber = () => onChange();
        subscribers.add(subscriber);
        startWatch();
        return () => {
          subscribers.delete(subscriber);
          if (subscribers.size === 0) {
            secretWatch?.stop();
            secretWatch = undefined;
          }
        };
      },
    });
  }
  return provider;
}

async function createRuntime(
  options: KubernetesApiOptions,
  env: Readonly<Record<string, string | undefined>>,
  importer: ClientImporter | undefined,
): Promise<Runtime> {
  let module: KubernetesClientModule | undefined;
  const client = async () => {
    module ??= await loadKubernetesClient(importer);
    return module;
  };
  let kubeConfig = options.kubeConfig as KubeConfig | undefined;
  let inCluster = false;
  const needsConfig =
    options.coreV1Api === undefined || (options.watch === true && options.watchApi === undefined);
  if (kubeConfig === undefined && needsConfig) {
    const resolved = createKubeConfig(await client(), options, env);
    kubeConfig = resolved.kubeConfig;
    inCluster = resolved.inCluster;
  }
  const api = options.coreV1Api ?? (kubeConfig as KubeConfig).makeApiClient((await client()).CoreV1Api);
  const watchApi = options.watch
    ? (options.watchApi ?? new (await client()).Watch(kubeConfig as KubeConfig))
    : undefined;
  const namespace = await resolveNamespace(options, { kubeConfig, inCluster });
  return { api, watchApi, namespace };
}

function checkNames(options: KubernetesApiOptions): void {
  const problems: string[] = [];
  if (typeof options.name !== "string" || options.name.length > 253 || !DNS_SUBDOMAIN.test(options.name)) {
    problems.push(
      `"name" (${JSON.stringify(String(options.name)).slice(0, 80)}) is not a valid Secret name (lower-case letters, digits, '-' and '.', at most 253)`,
    );
  }
  if (
    options.namespace !== undefined &&
    (typeof options.namespace !== "string" ||
      options.namespace.length > 63 ||
      !DNS_LABEL.test(options.namespace))
  ) {
    problems.push(
      `"namespace" (${JSON.stringify(String(options.namespace)).slice(0, 80)}) is not a valid namespace (lower-case letters, digits and '-', at most 63)`,
    );
  }
  if (problems.length > 0) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: PROVIDER,
      message: `${problems.join("; ")}.`,
      fix: "Use the Secret's metadata.name and metadata.namespace as kubectl shows them (kubectl get secrets -A).",
    });
  }
}

/**
 * Per-call client options that hand the caller's signal to the HTTP request. The object API (`CoreV1Api`)
 * takes observable-style middleware in client-node 1.x and 2.x: `pre`/`post` return `{ toPromise() }`.
 */
function signalOptions(signal: AbortSignal | undefined): unknown {
  if (!signal) return undefined;
  const observableOf = <T>(value: T) => ({
    toPromise: () => Promise.resolve(value),
    pipe: <U>(next: (value: T) => U) => observableOf(next(value)),
  });
  return {
    middleware: [
      {
        pre: (context: { setSignal?: (signal: AbortSignal) => void }) => {
          context.setSignal?.(signal);
          return observableOf(context);
        },
        post: <T>(response: T) => observableOf(response),
      },
    ],
    middlewareMergeStrategy: "append",
  };
}
