import type { WorkflowClientInterceptor } from '@temporalio/client';

/**
 * Which started updates came back from Temporal already finished (the handler ended in the
 * workflow task that accepted it), seen by a client interceptor on the way out of `startUpdate`.
 * Only those have an outcome worth reading at once: reading any other one makes the client poll
 * Temporal until the action is done (seconds, minutes while a CRM is retried), for every click.
 */
export class KnownUpdateOutcomes {
  private readonly finished = new Set<string>();

  readonly interceptor: WorkflowClientInterceptor = {
    startUpdate: async (input, next) => {
      const output = await next(input);
      if (output.outcome) this.finished.add(output.updateId);
      return output;
    },
  };

  /** Whether this update's outcome came with its acceptance; forgets it either way. */
  takeFinished(updateId: string): boolean {
    return this.finished.delete(updateId);
  }
}
