/**
 * OpenTelemetry tracing for both processes: one trace from a Slack request through Temporal to the
 * outside HTTP calls the activities make. Off unless the standard OTEL_* variables turn it on, so a
 * process without a collector pays nothing and sends nothing.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { traceExternalCalls } from './external-call-spans';
import { tracingEnabled } from './tracing-enabled';

export type TracedService = 'followup-api' | 'followup-worker';

export interface Tracing {
  /** Who the spans are from (`service.name`); the worker's workflow spans need it too. */
  resource: Resource;
  /** Where finished spans go; the worker hands its workflows' spans (made inside the sandbox) to it. */
  spanProcessor: SpanProcessor;
  /** Sends the spans still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * Called first thing by worker.ts, and by api/server.ts when tracing is on (tracing-enabled.ts). The
 * OTLP/HTTP exporter reads its endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables,
 * the sampler from OTEL_TRACES_SAMPLER. It is loaded only when tracing is on: with tracing off it
 * cost every start ~50 ms for nothing.
 */
export async function startTracing(service: TracedService, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!tracingEnabled(env)) return tracingOff(env.OTEL_SERVICE_NAME || service);
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return traceTo(new BatchSpanProcessor(new OTLPTraceExporter()), serviceResource(env.OTEL_SERVICE_NAME || service));
}

/** No tracing: spans handed to this processor are dropped. */
export function tracingOff(serviceName: string): Tracing {
  return { resource: serviceResource(serviceName), spanProcessor: new NoopSpanProcessor(), shutdown: async () => {} };
}

/** Makes `spanProcessor` this process's destination for spans (tests pass an in-memory one). */
export function traceTo(spanProcessor: SpanProcessor, resource: Resource): Tracing {
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Also installs the AsyncLocalStorage context manager and the W3C trace-context propagator
  // Temporal's interceptors carry the context in.
  provider.register();
  const stopExternalCallSpans = traceExternalCalls(trace.getTracer('followup-external-calls'));
  return {
    resource,
    spanProcessor,
    async shutdown() {
      stopExternalCallSpans();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export function serviceResource(serviceName: string): Resource {
  return new Resource({ 'service.name': serviceName });
}
