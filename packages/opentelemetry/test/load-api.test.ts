import { readFileSync } from "node:fs";
import { SecretProviderError } from "@hf-secrets/core";
import { describe, expect, it } from "vitest";
import { INSTRUMENTATION_VERSION } from "../src/index.js";
import { loadOpenTelemetryApi } from "../src/load-api.js";

const notInstalled = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
};

describe("loading @opentelemetry/api", () => {
  it("names the package to install when it is missing", () => {
    const error = (() => {
      try {
        loadOpenTelemetryApi(notInstalled);
      } catch (e) {
        return e;
      }
    })();
    expect(SecretProviderError.isInstance(error)).toBe(true);
    const failure = error as SecretProviderError;
    expect(failure.code).toBe("PROVIDER_NOT_INSTALLED");
    expect(failure.message).toBe(
      '[hf-secrets] [opentelemetry] instrument() needs the package "@opentelemetry/api", which is not installed. Fix: Install it next to your OpenTelemetry SDK (npm install @opentelemetry/api), or pass tracerProvider and meterProvider to instrument().',
    );
  });

  it("refuses a module that is not the API", () => {
    expect(() => loadOpenTelemetryApi(() => ({}))).toThrow(/has no trace\/metrics API/);
  });

  it("loads the installed API synchronously", () => {
    const api = loadOpenTelemetryApi();
    expect(typeof api.trace.getTracer).toBe("function");
    expect(typeof api.metrics.getMeter).toBe("function");
  });

  it("reports this package's version as the instrumentation scope version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(INSTRUMENTATION_VERSION).toBe(pkg.version);
  });
});
