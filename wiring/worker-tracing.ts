import type { Context } from '@temporalio/activity';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInboundCallsInterceptor, ActivityOutboundCallsInterceptor, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from '../runtime/tracing';

/**
 * Each activity runs in a span continuing the trace of the workflow that scheduled it, and its
 * log lines carry the trace and span ids.
 */
export function tracingActivities(context: Context): { inbound: ActivityInboundCallsInterceptor; outbound: ActivityOutboundCallsInterceptor } {
  return { inbound: new OpenTelemetryActivityInboundInterceptor(context), outbound: new OpenTelemetryActivityOutboundInterceptor(context) };
}

/**
 * The workflow interceptor (wiring/workflow-code.ts) makes its spans inside the sandbox, which
 * cannot export; it hands them to this sink, which passes them to the process's span processor.
 * Registered even while tracing is off (the processor then drops them): a workflow calling a
 * missing sink would log an error on every activation.
 */
export function workflowSpanSinks(tracing: Pick<Tracing, 'spanProcessor' | 'resource'>): InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}
