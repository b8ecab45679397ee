import { ConsoleMetricExporter } from "@opentelemetry/sdk-metrics";
import { ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";

// Stand-ins for your real exporters (OTLP, Prometheus, ...), so that the examples type-check.
export const spanExporter = new ConsoleSpanExporter();
export const metricExporter = new ConsoleMetricExporter();
