import { SecretProviderError, toSafeCause } from "@hf-secrets/core";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/** The `@kubernetes/client-node` module (a peer dependency, loaded at first use). */
export type KubernetesClientModule = typeof import("@kubernetes/client-node");

/** Imports the client; tests pass their own. */
export type ClientImporter = () => Promise<unknown>;

const defaultImporter: ClientImporter = () => import("@kubernetes/client-node");

/**
 * Imports `@kubernetes/client-node` (only API mode needs it, and only at its first call). A missing package is
 * `PROVIDER_NOT_INSTALLED` with the install command; a package that fails to load (2.x on Node 20) says so.
 */
export async function loadKubernetesClient(
  importer: ClientImporter = defaultImporter,
): Promise<KubernetesClientModule> {
  let module: unknown;
  try {
    module = await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    const message = String((error as { message?: unknown } | undefined)?.message ?? "");
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      message.includes("@kubernetes/client-node")
    ) {
      throw new SecretProviderError({
        code: "PROVIDER_NOT_INSTALLED",
        provider: KUBERNETES_PROVIDER_NAME,
        message:
          'API mode (the "name" option) needs the package "@kubernetes/client-node", which is not installed.',
        fix: "Run `npm install @kubernetes/client-node` (1.4 or later on Node 20; 2.x needs Node 22), or read the Secret from a mounted volume (mountPath), which needs no package.",
      });
    }
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: KUBERNETES_PROVIDER_NAME,
      message: `Loading "@kubernetes/client-node" failed: ${toSafeCause(error).message}`,
      fix: `Install a version that runs on this Node.js (${process.version}): @kubernetes/client-node 1.4.x on Node 20, 1.4 or 2.x on Node 22+.`,
      cause: error,
    });
  }
  const client = module as Partial<KubernetesClientModule> | undefined;
  if (typeof client?.KubeConfig !== "function" || typeof client.CoreV1Api !== "function") {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: KUBERNETES_PROVIDER_NAME,
      message: '"@kubernetes/client-node" was loaded but exports no KubeConfig/CoreV1Api.',
      fix: "Install @kubernetes/client-node 1.4 or later (npm install @kubernetes/client-node).",
    });
  }
  return client as KubernetesClientModule;
}
