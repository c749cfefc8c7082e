/**
 * Bundled into the workflow sandbox (wiring/workflow-code.ts): Temporal's OpenTelemetry workflow
 * interceptors, for runs started with them only. Wrapping the run, its handlers and its activity
 * calls in spans adds promise steps, which changes the order in which concurrent handlers issue
 * commands within one workflow task; a meeting started before tracing was deployed (they wait days
 * for a click) would then fail to replay. patched() records in a new run's first task that the run
 * is traced; older runs finish untraced, exactly as they started.
 */
import {
  patched,
  type ActivityInput,
  type ContinueAsNewInput,
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
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';

const tracingPatch = 'opentelemetry-tracing';

type Inbound = WorkflowInboundCallsInterceptor;
type Outbound = WorkflowOutboundCallsInterceptor;

export const interceptors = (): WorkflowInterceptors => {
  let traced: boolean | undefined;
  // Decided where a command may be recorded: the run's start, a signal or an update handler.
  const tracedRun = (): boolean => (traced ??= patched(tracingPatch));
  // Queries, update validators and log lines may not record one: they follow the decision made.
  const tracedSoFar = (): boolean => traced === true;
  const inbound = new OpenTelemetryInboundInterceptor();
  const outbound = new OpenTelemetryOutboundInterceptor();
  return {
    inbound: [
      {
        execute: (input: WorkflowExecuteInput, next: Next<Inbound, 'execute'>) => (tracedRun() ? inbound.execute(input, next) : next(input)),
        handleSignal: (input: SignalInput, next: Next<Inbound, 'handleSignal'>) => (tracedRun() ? inbound.handleSignal(input, next) : next(input)),
        handleUpdate: (input: UpdateInput, next: Next<Inbound, 'handleUpdate'>) => (tracedRun() ? inbound.handleUpdate(input, next) : next(input)),
        validateUpdate: (input: UpdateInput, next: Next<Inbound, 'validateUpdate'>) => (tracedSoFar() ? inbound.validateUpdate(input, next) : next(input)),
        handleQuery: (input: QueryInput, next: Next<Inbound, 'handleQuery'>) => (tracedSoFar() ? inbound.handleQuery(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input: ActivityInput, next: Next<Outbound, 'scheduleActivity'>) => (tracedRun() ? outbound.scheduleActivity(input, next) : next(input)),
        scheduleLocalActivity: (input: LocalActivityInput, next: Next<Outbound, 'scheduleLocalActivity'>) =>
          tracedRun() ? outbound.scheduleLocalActivity(input, next) : next(input),
        startNexusOperation: (input: StartNexusOperationInput, next: Next<Outbound, 'startNexusOperation'>) =>
          tracedRun() ? outbound.startNexusOperation(input, next) : next(input),
        startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<Outbound, 'startChildWorkflowExecution'>) =>
          tracedRun() ? outbound.startChildWorkflowExecution(input, next) : next(input),
        continueAsNew: (input: ContinueAsNewInput, next: Next<Outbound, 'continueAsNew'>) => (tracedRun() ? outbound.continueAsNew(input, next) : next(input)),
        signalWorkflow: (input: SignalWorkflowInput, next: Next<Outbound, 'signalWorkflow'>) => (tracedRun() ? outbound.signalWorkflow(input, next) : next(input)),
        getLogAttributes: (input: GetLogAttributesInput, next: Next<Outbound, 'getLogAttributes'>) =>
          tracedSoFar() ? outbound.getLogAttributes(input, next) : next(input),
        getMetricTags: (input: GetMetricTagsInput, next: Next<Outbound, 'getMetricTags'>) => (tracedSoFar() ? outbound.getMetricTags(input, next) : next(input)),
      },
    ],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
