/**
 * Bundled into the workflow sandbox (wiring/workflow-code.ts): how each run is traced, decided in
 * its first task with patched() so that it replays exactly as it started.
 * - `trace-context-propagation` (every run started since): only the caller's trace context is
 *   carried onto the activities it schedules (wiring/trace-context-propagation.ts); no workflow
 *   spans, no OpenTelemetry module in the sandbox.
 * - `opentelemetry-tracing` (runs started while it was deployed): Temporal's OpenTelemetry workflow
 *   interceptors, with their workflow spans. They add promise steps, which change the order in
 *   which concurrent handlers issue commands within one task, so these runs keep them to the end.
 * - neither (runs started before tracing was deployed): untraced.
 */
import {
  patched,
  type ActivityInput,
  type ContinueAsNewInput,
  type DisposeInput,
  type GetLogAttributesInput,
  type GetMetricTagsInput,
  type LocalActivityInput,
  type Next,
  type QueryInput,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type StartNexusOperationInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type * as OpenTelemetryWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { hasPatch, startedOnPatchBaseline, type BaselinePatch } from '../workflows/patch-baseline';
import { traceContextInterceptors } from './trace-context-propagation';

const traceContextPatch = 'trace-context-propagation' satisfies BaselinePatch;
const openTelemetryPatch = 'opentelemetry-tracing';

type Inbound = WorkflowInboundCallsInterceptor;
type Outbound = WorkflowOutboundCallsInterceptor;
type Internals = WorkflowInternalsInterceptor;

interface RunTracing {
  inbound: Inbound;
  outbound: Outbound;
  internals?: Internals;
}

/**
 * Required on first use, not imported: webpack then evaluates OpenTelemetry's modules (and each run
 * its own tracer provider) only in the runs still traced the old way.
 */
function openTelemetryTracing(): RunTracing {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OpenTelemetryWorkflow;
  return { inbound: new otel.OpenTelemetryInboundInterceptor(), outbound: new otel.OpenTelemetryOutboundInterceptor(), internals: new otel.OpenTelemetryInternalsInterceptor() };
}

export const interceptors = (): WorkflowInterceptors => {
  /** null: the run is untraced. */
  let chosen: RunTracing | null | undefined;
  // Decided where a command may be recorded: the run's start, a signal or an update handler.
  const decide = (): RunTracing | null =>
    (chosen ??= hasPatch(startedOnPatchBaseline(), traceContextPatch) ? traceContextInterceptors() : patched(openTelemetryPatch) ? openTelemetryTracing() : null);
  // Queries, update validators, log lines and metric tags may not record one: they follow the decision made.
  const decidedSoFar = (): RunTracing | null => chosen ?? null;
  // Each hook calls the chosen interceptor as a method (the OpenTelemetry ones use `this`), or passes through.
  return {
    inbound: [
      {
        execute: (input: WorkflowExecuteInput, next: Next<Inbound, 'execute'>) => {
          const run = decide();
          return run?.inbound.execute ? run.inbound.execute(input, next) : next(input);
        },
        handleSignal: (input: SignalInput, next: Next<Inbound, 'handleSignal'>) => {
          const run = decide();
          return run?.inbound.handleSignal ? run.inbound.handleSignal(input, next) : next(input);
        },
        handleUpdate: (input: UpdateInput, next: Next<Inbound, 'handleUpdate'>) => {
          const run = decide();
          return run?.inbound.handleUpdate ? run.inbound.handleUpdate(input, next) : next(input);
        },
        validateUpdate: (input: UpdateInput, next: Next<Inbound, 'validateUpdate'>) => {
          const run = decidedSoFar();
          return run?.inbound.validateUpdate ? run.inbound.validateUpdate(input, next) : next(input);
        },
        handleQuery: (input: QueryInput, next: Next<Inbound, 'handleQuery'>) => {
          const run = decidedSoFar();
          return run?.inbound.handleQuery ? run.inbound.handleQuery(input, next) : next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input: ActivityInput, next: Next<Outbound, 'scheduleActivity'>) => {
          const run = decide();
          return run?.outbound.scheduleActivity ? run.outbound.scheduleActivity(input, next) : next(input);
        },
        scheduleLocalActivity: (input: LocalActivityInput, next: Next<Outbound, 'scheduleLocalActivity'>) => {
          const run = decide();
          return run?.outbound.scheduleLocalActivity ? run.outbound.scheduleLocalActivity(input, next) : next(input);
        },
        startNexusOperation: (input: StartNexusOperationInput, next: Next<Outbound, 'startNexusOperation'>) => {
          const run = decide();
          return run?.outbound.startNexusOperation ? run.outbound.startNexusOperation(input, next) : next(input);
        },
        startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<Outbound, 'startChildWorkflowExecution'>) => {
          const run = decide();
          return run?.outbound.startChildWorkflowExecution ? run.outbound.startChildWorkflowExecution(input, next) : next(input);
        },
        continueAsNew: (input: ContinueAsNewInput, next: Next<Outbound, 'continueAsNew'>) => {
          const run = decide();
          return run?.outbound.continueAsNew ? run.outbound.continueAsNew(input, next) : next(input);
        },
        signalWorkflow: (input: SignalWorkflowInput, next: Next<Outbound, 'signalWorkflow'>) => {
          const run = decide();
          return run?.outbound.signalWorkflow ? run.outbound.signalWorkflow(input, next) : next(input);
        },
        getLogAttributes: (input: GetLogAttributesInput, next: Next<Outbound, 'getLogAttributes'>) => {
          const run = decidedSoFar();
          return run?.outbound.getLogAttributes ? run.outbound.getLogAttributes(input, next) : next(input);
        },
        getMetricTags: (input: GetMetricTagsInput, next: Next<Outbound, 'getMetricTags'>) => {
          const run = decidedSoFar();
          return run?.outbound.getMetricTags ? run.outbound.getMetricTags(input, next) : next(input);
        },
      },
    ],
    internals: [
      {
        dispose: (input: DisposeInput, next: Next<Internals, 'dispose'>) => {
          const run = decidedSoFar();
          return run?.internals?.dispose ? run.internals.dispose(input, next) : next(input);
        },
      },
    ],
  };
};
