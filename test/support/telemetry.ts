import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resetInstruments } from '../../src/telemetry';

/**
 * The test exporter: registers in-memory trace and metric exporters as the OpenTelemetry globals, in place of what
 * src/azure/monitor.ts registers in production. Call before the bot starts; read spans and metric names after.
 */
export function captureTelemetry() {
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  resetInstruments();
  return {
    spans: () => spans.getFinishedSpans(),
    /** Metric name -> its data points' attributes and values. */
    async metrics(): Promise<Map<string, { attributes: Record<string, unknown>; value: unknown }[]>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const m of scope.metrics)
          out.set(
            m.descriptor.name,
            m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
          );
      return out;
    },
  };
}
