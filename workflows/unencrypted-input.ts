/**
 * Refuses workflow input that was not encrypted with the deployment's payload key. The worker's
 * codec decodes such a payload to `refusedPlaintextValue` (see runtime/payload-codec.ts); this
 * interceptor, registered for every workflow, then turns it away before any handler sees it.
 * Whoever reaches Temporal without the key (the CLI or Web UI without the codec server, a stolen
 * network path) can neither start a workflow, nor update nor signal one.
 */
import {
  ApplicationFailure,
  log,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
} from '@temporalio/workflow';

export const refusedPlaintextValue = { refusedPayload: 'not encrypted with this deployment’s payload key' } as const;

export const unencryptedInputRefusal = 'Refused: the input was not encrypted with this deployment’s payload key.';

function isRefused(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { refusedPayload?: unknown }).refusedPayload === refusedPlaintextValue.refusedPayload;
}

function anyRefused(args: readonly unknown[]): boolean {
  return args.some(isRefused);
}

class RefuseUnencryptedInput implements WorkflowInboundCallsInterceptor {
  // async: a failure thrown from inside the run fails the workflow; thrown synchronously it would
  // only fail the workflow task, again and again.
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (anyRefused(input.args)) throw ApplicationFailure.nonRetryable(unencryptedInputRefusal, 'UnencryptedInput');
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    if (anyRefused(input.args)) throw ApplicationFailure.nonRetryable(unencryptedInputRefusal, 'UnencryptedInput');
    next(input);
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    // Updates without a validator reach here directly.
    if (anyRefused(input.args)) throw ApplicationFailure.nonRetryable(unencryptedInputRefusal, 'UnencryptedInput');
    return next(input);
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (anyRefused(input.args)) {
      log.warn('Ignored a signal whose input was not encrypted', { signal: input.signalName });
      return Promise.resolve();
    }
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({ inbound: [new RefuseUnencryptedInput()] });
