import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SecretProviderError } from "./errors.js";
import type { ProviderDefinition } from "./provider-definition.js";

/** Short provider names and the packages that implement them, with what else must be installed. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, { packageName: string; peers: readonly string[] }>> =
  {
    env: { packageName: "@hf-secrets/env", peers: [] },
    dotenv: { packageName: "@hf-secrets/dotenv", peers: [] },
    "hf-cli": { packageName: "@hf-secrets/hf-cli", peers: [] },
    aws: { packageName: "@hf-secrets/aws", peers: ["@aws-sdk/client-secrets-manager"] },
    azure: { packageName: "@hf-secrets/azure", peers: ["@azure/keyvault-secrets", "@azure/identity"] },
    kubernetes: { packageName: "@hf-secrets/kubernetes", peers: ["@kubernetes/client-node"] },
  };

/** Imports a module by specifier; the default is the runtime's dynamic `import()`. Tests replace it. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

/**
 * Loads the {@link ProviderDefinition} for a config name: `"aws"` → `@hf-secrets/aws`, a package name
 * (`"@acme/hf-secrets-vault"`) as is. The package is imported only now, when an environment uses it. A
 * missing package gives `PROVIDER_NOT_INSTALLED` with the exact install command.
 */
export async function loadProviderDefinition(
  name: string,
  options: { cwd?: string; importer?: ModuleImporter; where?: string } = {},
): Promise<ProviderDefinition> {
  const builtin = Object.hasOwn(BUILTIN_PROVIDERS, name) ? BUILTIN_PROVIDERS[name] : undefined;
  const isPackageName =
    /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name) && (name.startsWith("@") || name.includes("-"));
  if (!builtin && !isPackageName) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "config",
      location: options.where,
      message: `Unknown provider "${name}"${options.where ? ` at ${options.where}` : ""}.`,
      fix: `Use one of ${Object.keys(BUILTIN_PROVIDERS)
        .map((n) => `"${n}"`)
        .join(", ")}, or the npm package name of a third-party provider.`,
    });
  }
  const packageName = builtin?.packageName ?? name;
  const importer = options.importer ?? defaultImporter;
  let module: unknown;
  try {
    module = await importer(packageName);
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
    // An injected importer is the whole module system (tests); only the real one also looks in the project.
    const fromProject = options.importer
      ? Promise.reject(error)
      : importFromProject(packageName, options.cwd, importer);
    module = await fromProject.catch((second: unknown) => {
      if (!isModuleNotFound(second, packageName)) throw second;
      const install = ["npm install", packageName, ...(builtin?.peers ?? [])].join(" ");
      throw new SecretProviderError({
        code: "PROVIDER_NOT_INSTALLED",
        provider: name,
        location: options.where,
        message: `The provider "${name}"${options.where ? ` (${options.where})` : ""} needs the package "${packageName}", which is not installed.`,
        fix: `Run \`${install}\` in your project.`,
      });
    });
  }
  const definition = (module as { hfSecretsProvider?: ProviderDefinition } | undefined)?.hfSecretsProvider;
  if (!definition || typeof definition.create !== "function") {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: name,
      location: options.where,
      message: `The package "${packageName}" does not export an hf-secrets provider (\`hfSecretsProvider\`).`,
      fix: "Check the provider name, or ask the package's authors to export `hfSecretsProvider` (see docs/guides/custom-provider.md).",
    });
  }
  return definition;
}

async function importFromProject(packageName: string, cwd: string | undefined, importer: ModuleImporter) {
  // Resolve from the application's folder too: core may be installed somewhere the provider is not visible from.
  const require = createRequire(join(cwd ?? process.cwd(), "package.json"));
  const resolved = require.resolve(packageName);
  return importer(pathToFileURL(resolved).href);
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = String((error as { message?: unknown } | undefined)?.message ?? "");
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(packageName);
}
