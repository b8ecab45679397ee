import { resolve } from "node:path";
import { defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import { fromKubernetesSecret } from "./from-kubernetes-secret.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/**
 * Lets config files use `{ "provider": "kubernetes", "mountPath": "/var/run/secrets/hf" }` (volume mode) or
 * `{ "provider": "kubernetes", "name": "hf-token", "watch": true }` (API mode). Relative paths are resolved
 * against the config file's folder; API mode reads `KUBERNETES_SERVICE_HOST`, `KUBECONFIG` and `HOME` from the
 * context's environment.
 */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: KUBERNETES_PROVIDER_NAME,
  packageName: "@hf-secrets/kubernetes",
  options: {
    mode: { type: "string", enum: ["volume", "api"], description: "volume (default without name) or api" },
    mountPath: { type: "string", description: "volume mode: the folder where the Secret volume is mounted" },
    name: { type: "string", description: "API mode: the Secret's metadata.name" },
    namespace: { type: "string", description: "API mode: the Secret's namespace (default: the pod's)" },
    key: { type: "string", description: "the key that holds the HF token (default HF_TOKEN)" },
    keys: { type: "object", description: "logical secret name → key" },
    optional: { type: "boolean", description: "a missing mount / Kubernetes configuration means not found" },
    watch: { type: "boolean", description: "push changes (volume: default true; API: default false)" },
    watchDebounceMs: { type: "number", min: 0, description: "volume mode: debounce of the folder watch" },
    watchTimeoutSeconds: { type: "number", min: 1, description: "API mode: lifetime of one watch request" },
    kubeconfigPath: { type: "string", description: "API mode: a kubeconfig file instead of the default" },
    context: { type: "string", description: "API mode: a kubeconfig context instead of the current one" },
  },
  create: (options, context) => {
    const common = {
      key: options.key as string | undefined,
      keys: options.keys as Record<string, string> | undefined,
      optional: options.optional as boolean | undefined,
      watch: options.watch as boolean | undefined,
    };
    if (options.mode === "api" || (options.mode === undefined && options.name !== undefined)) {
      return fromKubernetesSecret({
        ...common,
        mode: "api",
        name: options.name as string,
        mountPath: options.mountPath as undefined,
        namespace: options.namespace as string | undefined,
        kubeconfigPath:
          options.kubeconfigPath === undefined
            ? undefined
            : resolve(context.cwd, options.kubeconfigPath as string),
        context: options.context as string | undefined,
        watchTimeoutSeconds: options.watchTimeoutSeconds as number | undefined,
        env: context.env,
      });
    }
    return fromKubernetesSecret({
      ...common,
      mode: "volume",
      name: options.name as undefined,
      mountPath:
        options.mountPath === undefined
          ? (undefined as unknown as string)
          : resolve(context.cwd, options.mountPath as string),
      watchDebounceMs: options.watchDebounceMs as number | undefined,
    });
  },
});
