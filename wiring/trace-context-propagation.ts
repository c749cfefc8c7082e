/**
 * Bundled into the workflow sandbox (through wiring/workflow-tracing-interceptors.ts) for runs
 * marked `trace-context-propagation`: carries the caller's trace context, the header Temporal's
 * OpenTelemetry client interceptor writes on a workflow start, signal or update, onto the
 * activities (and local activities, child workflows, signals, continue-as-new) that the run or that
 * handler schedules. The worker's activity interceptor (wiring/worker-tracing.ts) then parents the
 * activity's span on the caller's span, so a click and the CRM call it causes stay one trace.
 *
 * No OpenTelemetry module is loaded in the sandbox and no workflow span is made: with
 * reuseV8Context every cached run instantiates its own copy of each module it imports, and the
 * OpenTelemetry workflow interceptor cost each cached meeting ~0.45 MiB (bench/README.md, "Where a
 * cached meeting's memory goes"). Every hook is a synchronous pass-through, adding no promise step,
 * so the run issues its commands in exactly the order an untraced run does.
 */
import {
  AsyncLocalStorage,
  defaultPayloadConverter,
  type ActivityInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type Payload,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/**
 * The header @temporalio/interceptors-opentelemetry reads and writes (its TRACE_HEADER; importing
 * it would load OpenTelemetry into the sandbox). Should they part, test/e2e/tracing.test.ts finds
 * the click's activity outside the click's trace.
 */
export const traceHeader = '_tracer-data';

interface TraceContext {
  /** The caller's header, passed on as it came. */
  header: Payload;
  /** For the workflow's log lines; undefined if the header holds no valid W3C traceparent. */
  traceId: string | undefined;
}

type Inbound = WorkflowInboundCallsInterceptor;
type Outbound = WorkflowOutboundCallsInterceptor;

export interface TraceContextInterceptors {
  inbound: Required<Pick<Inbound, 'execute' | 'handleSignal' | 'handleUpdate'>>;
  outbound: Required<Pick<Outbound, 'scheduleActivity' | 'scheduleLocalActivity' | 'startChildWorkflowExecution' | 'signalWorkflow' | 'continueAsNew' | 'getLogAttributes'>>;
}

const traceparentPattern = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function traceIdIn(header: Payload): string | undefined {
  try {
    const carrier = defaultPayloadConverter.fromPayload<Record<string, unknown> | null>(header);
    const traceparent = carrier?.traceparent;
    return typeof traceparent === 'string' ? traceparentPattern.exec(traceparent)?.[1] : undefined;
  } catch {
    // A header we cannot read is still passed on; only the log lines go without a trace id.
    return undefined;
  }
}

function traceContextIn(headers: Record<string, Payload>): TraceContext | undefined {
  const header = headers[traceHeader];
  return header ? { header, traceId: traceIdIn(header) } : undefined;
}

/** One per run: its AsyncLocalStorage is disabled with the run (the SDK registers its destructor). */
export function traceContextInterceptors(): TraceContextInterceptors {
  // The context of the code running now: the start's in the main run, each signal's or update's in
  // its handler (an update's activities belong to the click that sent it, not to the meeting's start).
  // A promise continues in the context it was awaited in, whichever handler resolved it.
  const active = new AsyncLocalStorage<TraceContext | undefined>();
  const withActiveContext = <T extends { headers: Record<string, Payload> }>(input: T): T => {
    const context = active.getStore();
    return context ? { ...input, headers: { ...input.headers, [traceHeader]: context.header } } : input;
  };
  return {
    inbound: {
      execute: (input: WorkflowExecuteInput, next: Next<Inbound, 'execute'>) => active.run(traceContextIn(input.headers), () => next(input)),
      handleSignal: (input: SignalInput, next: Next<Inbound, 'handleSignal'>) => active.run(traceContextIn(input.headers), () => next(input)),
      handleUpdate: (input: UpdateInput, next: Next<Inbound, 'handleUpdate'>) => active.run(traceContextIn(input.headers), () => next(input)),
    },
    outbound: {
      scheduleActivity: (input: ActivityInput, next: Next<Outbound, 'scheduleActivity'>) => next(withActiveContext(input)),
      scheduleLocalActivity: (input: LocalActivityInput, next: Next<Outbound, 'scheduleLocalActivity'>) => next(withActiveContext(input)),
      startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<Outbound, 'startChildWorkflowExecution'>) => next(withActiveContext(input)),
      signalWorkflow: (input: SignalWorkflowInput, next: Next<Outbound, 'signalWorkflow'>) => next(withActiveContext(input)),
      continueAsNew: (input: ContinueAsNewInput, next: Next<Outbound, 'continueAsNew'>) => next(withActiveContext(input)),
      // Mapped to `traceId` with the SDK's other fields (wiring/temporal-runtime-logging.ts).
      getLogAttributes: (input: GetLogAttributesInput, next: Next<Outbound, 'getLogAttributes'>) => {
        const traceId = active.getStore()?.traceId;
        return next(traceId ? { trace_id: traceId, ...input } : input);
      },
    },
  };
}
