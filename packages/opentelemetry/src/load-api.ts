import { createRequire } from "node:module";
import { SecretProviderError } from "@hf-secrets/core";
import type * as OpenTelemetryApi from "@opentelemetry/api";

/** The part of `@opentelemetry/api` the bridge uses when no provider is injected: the global tracer and meter. */
export type OpenTelemetryApiModule = Pick<typeof OpenTelemetryApi, "trace" | "metrics">;

const API_PACKAGE = "@opentelemetry/api";

/**
 * Loads `@opentelemetry/api` on first use. The load is synchronous on purpose: `instrument()` must subscribe
 * before it returns, or the first fetch's events could be missed. The API keeps its registry on `globalThis`
 * under a versioned symbol, so this `require` sees the tracer and meter providers that the application
 * registered through `import`.
 *
 * @param requireFn - the loader; tests pass one that fails like a missing package.
 */
export function loadOpenTelemetryApi(requireFn?: (id: string) => unknown): OpenTelemetryApiModule {
  const load = requireFn ?? createRequire(import.meta.url);
  let api: unknown;
  try {
    api = load(API_PACKAGE);
  } catch (error) {
    throw new SecretProviderError({
      code: isModuleNotFound(error) ? "PROVIDER_NOT_INSTALLED" : "INVALID_CONFIGURATION",
      provider: "opentelemetry",
      message: isModuleNotFound(error)
        ? `instrument() needs the package "${API_PACKAGE}", which is not installed.`
        : `Loading "${API_PACKAGE}" failed.`,
      fix: `Install it next to your OpenTelemetry SDK (npm install ${API_PACKAGE}), or pass tracerProvider and meterProvider to instrument().`,
      cause: error,
    });
  }
  const module = api as Partial<OpenTelemetryApiModule> | undefined;
  if (typeof module?.trace?.getTracer !== "function" || typeof module.metrics?.getMeter !== "function") {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: "opentelemetry",
      message: `The installed "${API_PACKAGE}" has no trace/metrics API.`,
      fix: `Install ${API_PACKAGE} 1.4 or later.`,
    });
  }
  return module as OpenTelemetryApiModule;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND";
}
