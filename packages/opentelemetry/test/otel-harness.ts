import type { Attributes } from "@opentelemetry/api";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { INSTRUMENTATION_NAME } from "../src/index.js";

/** A pull reader: the test decides when metrics are collected (no export interval, no timer). */
class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One data point of a counter or histogram, as the SDK aggregated it. */
export interface Point {
  readonly metric: string;
  readonly attributes: Attributes;
  /** Counter sum, or the histogram's `{ count, sum }`. */
  readonly value: number | { count: number; sum: number };
}

/** An OpenTelemetry SDK wired to in-memory exporters, the way an application would wire a real one. */
export function createOtelHarness() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  const points = async (): Promise<Point[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
    const out: Point[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      if (scope.scope.name !== INSTRUMENTATION_NAME) continue;
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const raw = point.value as number | { count: number; sum?: number };
          out.push({
            metric: metric.descriptor.name,
            attributes: point.attributes,
            value: typeof raw === "number" ? raw : { count: raw.count, sum: raw.sum ?? 0 },
          });
        }
      }
    }
    return out;
  };

  /** The sum of a counter over the points whose attributes include `where`. */
  const total = async (metric: string, where: Attributes = {}): Promise<number> => {
    let sum = 0;
    for (const point of await points()) {
      if (point.metric !== metric || typeof point.value !== "number") continue;
      if (Object.entries(where).every(([key, value]) => point.attributes[key] === value)) sum += point.value;
    }
    return sum;
  };

  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    points,
    total,
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Epoch ms of an OpenTelemetry high-resolution time. */
export function hrToMs(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** Everything a span or data point exposes, as text, for the no-secret checks. */
export function telemetryText(spans: readonly ReadableSpan[], points: readonly Point[]): string {
  return JSON.stringify({
    spans: spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      status: s.status,
      events: s.events,
      links: s.links,
      resource: s.resource.attributes,
    })),
    points,
  });
}
