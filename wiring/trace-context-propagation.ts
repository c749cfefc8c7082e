/**
 * Bundled into the workflow sandbox (through wiring/workflow-tracing-interceptors.ts) for runs
 * marked `trace-context-propagation`: carries the caller's trace context, the header Temporal's
 * OpenTelemetry client interceptor writes on a workflow start or update, onto the activities (and
 * local activities, child workflows, signals, continue-as-new) that the run or that update's
 * handler schedules. The worker's activity interceptor (wiring/worker-tracing.ts) then parents the
 * activity's span on the caller's span, so a click and the CRM call it causes stay one trace.
 *
 * No OpenTelemetry module is loaded in the sandbox and no workflow span is made: with
 * reuseV8Context every cached run instantiates its own copy of each module it imports, and the
 * OpenTelemetry workflow interceptor cost each cached meeting ~0.45 MiB (bench/README.md, "Where a
 * cached meeting's memory goes"). Every hook is a synchronous pass-through that adds no step to
 * any promise the SDK awaits, so the run issues its commands in exactly the order an untraced run does.
 */
import {
  currentUpdateInfo,
  defaultPayloadConverter,
  type ActivityInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type Payload,
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
  inbound: Required<Pick<Inbound, 'execute' | 'handleUpdate'>>;
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

/**
 * One per run. Which context applies is told by the SDK's own update scope (currentUpdateInfo(),
 * which follows the handler across its awaits): an update's activities belong to the click that
 * sent it, anything else the run schedules to its start. A signal handler's work is the start's:
 * ours only record what the main run then does. No AsyncLocalStorage of our own: in one worker
 * thread every enabled one is copied onto every promise any cached run creates, so each adds
 * memory in proportion to the cache squared.
 */
export function traceContextInterceptors(): TraceContextInterceptors {
  let started: TraceContext | undefined;
  // Until the update's handler settles; an update without the header runs untraced, not in the start's trace.
  const updates = new Map<string, TraceContext | undefined>();
  const active = (): TraceContext | undefined => {
    const update = currentUpdateInfo();
    return update ? updates.get(update.id) : started;
  };
  const withActiveContext = <T extends { headers: Record<string, Payload> }>(input: T): T => {
    const context = active();
    return context ? { ...input, headers: { ...input.headers, [traceHeader]: context.header } } : input;
  };
  return {
    inbound: {
      execute: (input: WorkflowExecuteInput, next: Next<Inbound, 'execute'>) => {
        started = traceContextIn(input.headers);
        return next(input);
      },
      handleUpdate: (input: UpdateInput, next: Next<Inbound, 'handleUpdate'>) => {
        updates.set(input.updateId, traceContextIn(input.headers));
        const handled = next(input);
        // Forgetting the update is a side branch: the promise the SDK awaits is the handler's own, unchanged.
        handled.then(
          () => updates.delete(input.updateId),
          () => updates.delete(input.updateId),
        );
        return handled;
      },
    },
    outbound: {
      scheduleActivity: (input: ActivityInput, next: Next<Outbound, 'scheduleActivity'>) => next(withActiveContext(input)),
      scheduleLocalActivity: (input: LocalActivityInput, next: Next<Outbound, 'scheduleLocalActivity'>) => next(withActiveContext(input)),
      startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<Outbound, 'startChildWorkflowExecution'>) => next(withActiveContext(input)),
      signalWorkflow: (input: SignalWorkflowInput, next: Next<Outbound, 'signalWorkflow'>) => next(withActiveContext(input)),
      continueAsNew: (input: ContinueAsNewInput, next: Next<Outbound, 'continueAsNew'>) => next(withActiveContext(input)),
      // Mapped to `traceId` with the SDK's other fields (wiring/temporal-runtime-logging.ts).
      getLogAttributes: (input: GetLogAttributesInput, next: Next<Outbound, 'getLogAttributes'>) => {
        const traceId = active()?.traceId;
        return next(traceId ? { trace_id: traceId, ...input } : input);
      },
    },
  };
}
