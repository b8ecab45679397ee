import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isIPv6 } from "node:net";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesClientModule } from "./client-loader.js";
import type { KubeConfigLike, KubernetesApiOptions } from "./options.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";
import { TOKEN_FILE_AUTH_PROVIDER, TokenFileAuthenticator } from "./token-file-auth.js";

const PROVIDER = KUBERNETES_PROVIDER_NAME;

/** Where kubelet mounts a pod's service-account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A configuration ready for the client, and where it came from. */
export interface ResolvedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** `in-cluster`, `kubeconfig <file>` or `injected`, for messages. */
  readonly source: string;
  readonly inCluster: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Picks the configuration like kubectl and client-go: in a pod (`KUBERNETES_SERVICE_HOST` set)
 * `loadFromCluster()`, with the token file re-read at every request; otherwise `kubeconfigPath`, else
 * `$KUBECONFIG` (the first file's context wins, as in kubectl), else `~/.kube/config`. Nothing found is
 * `INVALID_CONFIGURATION`, or "not found" with `optional`.
 */
export function createKubeConfig(
  k8s: KubernetesClientModule,
  options: KubernetesApiOptions,
  env: Env,
): ResolvedKubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  let source: string;
  let inCluster = false;
  if (options.kubeconfigPath !== undefined) {
    loadFiles(kubeConfig, [options.kubeconfigPath], "kubeconfigPath", k8s);
    source = `kubeconfig ${resolve(options.kubeconfigPath)}`;
  } else if (env.KUBERNETES_SERVICE_HOST) {
    loadInCluster(kubeConfig, options.inClusterPathPrefix ?? "", env);
    source = "in-cluster";
    inCluster = true;
  } else {
    const files = (env.KUBECONFIG ?? "").split(delimiter).filter((file) => file.length > 0);
    if (files.length > 0) {
      loadFiles(kubeConfig, files, "KUBECONFIG", k8s);
      source = `kubeconfig ${files.join(delimiter)}`;
    } else {
      const file = join(env.HOME ?? homedir(), ".kube", "config");
      if (!existsSync(file)) throw noConfiguration(options, file);
      loadFiles(kubeConfig, [file], "~/.kube/config", k8s);
      source = `kubeconfig ${file}`;
    }
  }
  if (options.context !== undefined) {
    if (!kubeConfig.getContextObject(options.context)) {
      const known = kubeConfig.getContexts().map((c) => `"${c.name}"`);
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: PROVIDER,
        message: `The kubeconfig context "${options.context}" does not exist in ${source}; it has ${known.join(", ") || "no context"}.`,
        fix: "Set context to one of those (kubectl config get-contexts), or leave it unset for the current one.",
      });
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: PROVIDER,
      message: `The ${source} has no current context with a cluster.`,
      fix: "Select a context (kubectl config use-context NAME, or the context option).",
    });
  }
  return { kubeConfig, source, inCluster };
}

/**
 * The namespace to read from: the `namespace` option; else that of the configuration in use (in a pod, its
 * service-account `namespace` file; with a kubeconfig, the context's); else the pod's namespace file (a
 * kubeconfig used inside a pod without one); else `default`.
 */
export async function resolveNamespace(
  options: KubernetesApiOptions,
  config: { readonly kubeConfig: KubeConfigLike | undefined; readonly inCluster: boolean },
): Promise<string> {
  if (options.namespace !== undefined) return options.namespace;
  const file = `${options.inClusterPathPrefix ?? ""}${SERVICE_ACCOUNT_DIR}/namespace`;
  const fromFile = () =>
    readFile(file, "utf8").then(
      (text) => text.trim(),
      () => "",
    );
  if (config.inCluster) {
    const namespace = await fromFile();
    if (namespace) return namespace;
  }
  const kc = config.kubeConfig;
  const fromContext = kc?.getContextObject(kc.getCurrentContext())?.namespace;
  if (fromContext) return fromContext;
  return (await fromFile()) || "default";
}

function loadInCluster(kubeConfig: KubeConfig, prefix: string, env: Env): void {
  const dir = `${prefix}${SERVICE_ACCOUNT_DIR}`;
  for (const file of ["token", "ca.crt"]) {
    if (!existsSync(join(dir, file))) {
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: PROVIDER,
        location: join(dir, file),
        message: `KUBERNETES_SERVICE_HOST is set (in a pod), but ${join(dir, file)} does not exist: no service-account token is mounted.`,
        fix: "Set automountServiceAccountToken: true on the pod or its ServiceAccount (or mount a projected serviceAccountToken volume there), or pass kubeconfigPath / kubeConfig.",
      });
    }
  }
  kubeConfig.loadFromCluster(prefix);
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  if (!cluster || !user || !context) throw new Error("loadFromCluster() produced no context");
  kubeConfig.loadFromOptions({
    // The server from the same environment that chose in-cluster mode (loadFromCluster reads process.env).
    clusters: [{ ...cluster, server: inClusterServer(env) }],
    // Our authenticator re-reads the token file at every request (see TokenFileAuthenticator).
    users: [
      { name: user.name, authProvider: { name: TOKEN_FILE_AUTH_PROVIDER, config: { path: `${dir}/token` } } },
    ],
    contexts: [context],
    currentContext: context.name,
  });
  kubeConfig.addAuthenticator(new TokenFileAuthenticator());
}

function inClusterServer(env: Env): string {
  const host = env.KUBERNETES_SERVICE_HOST ?? "";
  const port = env.KUBERNETES_SERVICE_PORT || "443";
  // As loadFromCluster: plain HTTP only on the insecure ports, IPv6 literals in brackets.
  const scheme = port === "80" || port === "8080" || port === "8001" ? "http" : "https";
  return `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

function loadFiles(
  kubeConfig: KubeConfig,
  files: readonly string[],
  origin: string,
  k8s: KubernetesClientModule,
): void {
  for (const [index, file] of files.entries()) {
    const target = index === 0 ? kubeConfig : new k8s.KubeConfig();
    try {
      target.loadFromFile(file);
      // kubectl's rule: the first file that sets current-context wins; later files only add entries.
      if (index > 0) kubeConfig.mergeConfig(target, true);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Never the parser's message: it quotes the file, and a kubeconfig holds tokens and keys.
      const line = (error as { mark?: { line?: unknown } }).mark?.line;
      const problem =
        code === "ENOENT"
          ? "does not exist"
          : code !== undefined
            ? `cannot be read (${code})`
            : typeof line === "number"
              ? `is not valid YAML (line ${line + 1})`
              : "is not a valid kubeconfig";
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: PROVIDER,
        location: file,
        message: `The kubeconfig ${file} (from ${origin}) ${problem}.`,
        fix: "Point it at a valid kubeconfig (kubectl config view checks one), or pass kubeConfig.",
      });
    }
  }
}

function noConfiguration(options: KubernetesApiOptions, defaultFile: string): SecretProviderError {
  const message = `No Kubernetes configuration: KUBERNETES_SERVICE_HOST is not set (not in a pod), KUBECONFIG is not set, and ${defaultFile} does not exist.`;
  if (options.optional) {
    return new SecretNotFoundError({
      provider: PROVIDER,
      secretName: undefined,
      location: `kubernetes:${options.namespace ?? "<namespace>"}/${options.name}`,
      message,
      fix: "Run in a pod, or set KUBECONFIG, to read this Secret; the chain moves on meanwhile (optional: true).",
    });
  }
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: PROVIDER,
    message,
    fix: "Run in a pod with a service account, set KUBECONFIG or pass kubeconfigPath / kubeConfig. Where this source is legitimately absent (a laptop), set optional: true so the chain moves on.",
  });
}
