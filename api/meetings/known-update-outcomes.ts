import { randomUUID } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';

/**
 * Which started updates came back from Temporal already finished (the handler ended in the
 * workflow task that accepted it), seen by a client interceptor on the way out of `startUpdate`.
 * Only those have an outcome worth reading at once: reading any other one makes the client poll
 * Temporal until the action is done (seconds, minutes while a CRM is retried), for every click.
 * Only the updates given an id by `watch` are remembered, so other updates through the same
 * client (`executeUpdate` passes through `startUpdate` too) leave nothing behind.
 */
export class KnownUpdateOutcomes {
  /** Watched update id → whether its outcome came with its acceptance. */
  private readonly watched = new Map<string, boolean>();

  readonly interceptor: WorkflowClientInterceptor = {
    startUpdate: async (input, next) => {
      const output = await next(input);
      if (this.watched.has(output.updateId)) this.watched.set(output.updateId, Boolean(output.outcome));
      return output;
    },
  };

  /** An update id to start the update with; `takeFinished` must follow, whatever the start did. */
  watch(): string {
    const updateId = randomUUID();
    this.watched.set(updateId, false);
    return updateId;
  }

  /** Whether this update's outcome came with its acceptance; forgets it either way. */
  takeFinished(updateId: string): boolean {
    const finished = this.watched.get(updateId) ?? false;
    this.watched.delete(updateId);
    return finished;
  }
}
