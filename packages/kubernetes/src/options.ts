import type { BackoffOptions, Clock, SecretProviderError } from "@hf-secrets/core";

/** Options shared by both modes of {@link fromKubernetesSecret}. */
export interface KubernetesCommonOptions {
  /** The key that holds the HF token (logical name `HF_TOKEN`). Default `HF_TOKEN`. */
  readonly key?: string;
  /** Logical name → key, for other secrets. Default: the key named like the logical name. */
  readonly keys?: Readonly<Record<string, string>>;
  /**
   * When the mount folder (volume mode) or every Kubernetes configuration (API mode) is missing, answer "not
   * found" so a chain moves on, instead of stopping it with `INVALID_CONFIGURATION`. For a chain that also
   * runs outside Kubernetes (a laptop). Default `false`: in a pod, a missing mount is a broken pod spec.
   */
  readonly optional?: boolean;
  /** Timers of the watch (debounce, retries, backoff). Default: the system clock, timers unref'd. */
  readonly clock?: Clock;
}

/**
 * Volume mode (the default): read a Secret that kubelet mounts as files (`volumes[].secret` or a projected
 * volume). Every read goes through kubelet's `..data` link, so an updated Secret is seen without a restart.
 */
export interface KubernetesVolumeOptions extends KubernetesCommonOptions {
  /** Selects volume mode; implied when `name` is not set. */
  readonly mode?: "volume";
  /** The volume's `mountPath` in the container, e.g. `/var/run/secrets/hf`. */
  readonly mountPath: string;
  /** Watch the mount folder and push kubelet's updates to `cached()` within a second. Default `true`. */
  readonly watch?: boolean;
  /** Notify this long after the first change event (kubelet's update is several file operations). Default 100 ms. */
  readonly watchDebounceMs?: number;
  /** Try again to watch a folder that is missing or whose watch failed after this long. Default 5 000 ms. */
  readonly watchRetryMs?: number;
  /** Not used in volume mode. */
  readonly name?: undefined;
}

/** The part of `@kubernetes/client-node`'s `KubeConfig` this package relies on (a real `KubeConfig` fits). */
export interface KubeConfigLike {
  /** Name of the current context. */
  getCurrentContext(): string;
  /** A context by name (for its default namespace). */
  getContextObject(name: string): { readonly namespace?: string | undefined } | null;
  /** The cluster of the current context. */
  getCurrentCluster(): { readonly server: string } | null;
}

/** A Secret as the API returns it (`V1Secret`), reduced to what is read. */
export interface SecretObject {
  readonly metadata?: { readonly resourceVersion?: string | undefined } | undefined;
  readonly data?: Readonly<Record<string, string>> | undefined;
}

/** The part of `@kubernetes/client-node`'s `CoreV1Api` this package calls (a real `CoreV1Api` fits). */
export interface CoreV1ApiLike {
  /** `GET /api/v1/namespaces/{namespace}/secrets/{name}`; the second argument carries per-call middleware. */
  readNamespacedSecret(param: { name: string; namespace: string }, options?: unknown): Promise<SecretObject>;
}

/** `@kubernetes/client-node`'s `Watch` (a real `new Watch(kubeConfig)` fits). */
export interface WatchLike {
  /** Opens one watch request; `done` is called once when it ends, with the error if any. */
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

/**
 * API mode: read the Secret `name` from the Kubernetes API with `@kubernetes/client-node` (a peer
 * dependency), optionally keeping one watch on it.
 */
export interface KubernetesApiOptions extends KubernetesCommonOptions {
  /** Selects API mode; implied when `name` is set. */
  readonly mode?: "api";
  /** The Secret's name (`metadata.name`). */
  readonly name: string;
  /**
   * The Secret's namespace. Default: the pod's namespace (the service-account `namespace` file), else the
   * kubeconfig context's namespace, else `default`.
   */
  readonly namespace?: string;
  /** A ready-made `KubeConfig` (from `@kubernetes/client-node`); otherwise in-cluster or the default kubeconfig. */
  readonly kubeConfig?: KubeConfigLike;
  /** A kubeconfig file to load instead of `$KUBECONFIG` / `~/.kube/config`. */
  readonly kubeconfigPath?: string;
  /** A kubeconfig context to use instead of the current one. */
  readonly context?: string;
  /** Environment consulted for `KUBERNETES_SERVICE_HOST`/`_PORT`, `KUBECONFIG` and `HOME`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Prepended to `/var/run/secrets/kubernetes.io/serviceaccount` (like `loadFromCluster(pathPrefix)`), for
   * tests. Default `""`.
   */
  readonly inClusterPathPrefix?: string;
  /**
   * Keep one watch on this Secret (`fieldSelector=metadata.name=<name>`) and push changes to `cached()`.
   * Needs RBAC `watch` on the Secret as well as `get`. Default `false`.
   */
  readonly watch?: boolean;
  /** Reconnect backoff of the watch (full jitter). Default 500 ms base, 30 000 ms cap. */
  readonly watchBackoff?: Partial<BackoffOptions>;
  /** Server-side lifetime of one watch request; a new one resumes from the last resourceVersion. Default 300. */
  readonly watchTimeoutSeconds?: number;
  /** Told about every failed watch attempt (the provider retries by itself and stays silent otherwise). */
  readonly onWatchError?: (error: SecretProviderError) => void;
  /** Random source in `[0, 1)` for the watch backoff. Default `Math.random`. */
  readonly random?: () => number;
  /** A ready-made `CoreV1Api` (instead of `kubeConfig.makeApiClient(CoreV1Api)`). */
  readonly coreV1Api?: CoreV1ApiLike;
  /** A ready-made `Watch` (instead of `new Watch(kubeConfig)`). */
  readonly watchApi?: WatchLike;
  /** Not used in API mode. */
  readonly mountPath?: undefined;
}

/** Options of {@link fromKubernetesSecret}: volume mode (`mountPath`) or API mode (`name`). */
export type KubernetesSecretOptions = KubernetesVolumeOptions | KubernetesApiOptions;
