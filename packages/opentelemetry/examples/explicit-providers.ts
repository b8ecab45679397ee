import { cached } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import { instrument } from "@hf-secrets/opentelemetry";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { metricExporter, spanExporter } from "./exporters.js";

// Passing both providers means @opentelemetry/api is never loaded by the bridge (a bundled app, or an SDK
// that is not registered globally).
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })],
});

const provider = cached(fromEnv());
const stop = instrument(provider.events, { tracerProvider, meterProvider });

await provider.getSecret("HF_TOKEN");

stop();
await provider.dispose();
await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
