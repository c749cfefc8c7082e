/**
 * What the card loop does when Slack does not take the card after its retries: the meeting is
 * marked (search attribute "needs-attention", so admins and operators see it), the rep is told
 * once per episode in words they can act on, and a card Slack may take later (an outage, a rate
 * limit) is tried again after a pause, so the card ends showing the final state.
 */
import type { BaselinePatch } from './patch-baseline';
import { condition } from '@temporalio/workflow';
import { reportUndeliveredCard } from './activity-profiles';
import { sideActivity } from './meeting-actions';
import { describeFailure } from './meeting-rules';
import { syncSearchAttributes, type MeetingRun } from './meeting-run';

/** Replays of meetings started before this only logged the failure. */
export const undeliveredCardPatch = 'tell-rep-when-card-undelivered' satisfies BaselinePatch;

/** Pause before trying a failed card again on our own; a newer state tries at once. */
const cardRetryPauseMs = 2 * 60_000;
/** After this many failed publishes in a row (each ~4 min of Slack retries) only a new state tries again. */
const cardRetryRounds = 6;

/** Failure kinds another attempt may fix (an outage, a rate limit), unlike a revoked token. */
const passingKinds = new Set(['retryable', 'unknown']);

export async function handleUndeliveredCard(run: MeetingRun, error: unknown, failuresInARow: number): Promise<void> {
  const { state, input } = run;
  const failure = describeFailure(error);
  const firstInEpisode = !state.cardFailure;
  state.cardFailure = failure;
  syncSearchAttributes(run);
  if (firstInEpisode) {
    await sideActivity('undelivered card notice', async () => {
      await reportUndeliveredCard({
        tenantId: state.tenantId,
        repSlackUserId: state.repSlackUserId,
        title: state.facts?.title ?? `recording ${state.recordingId}`,
        failure,
        cardPosted: !!state.card,
        responseUrl: input.responseUrl,
      });
    });
  }
  if (passingKinds.has(failure.kind) && failuresInARow < cardRetryRounds) {
    await condition(() => run.cardDirty, cardRetryPauseMs);
    run.cardDirty = true;
  }
}

/** Slack took the card again: the meeting leaves "Needs attention" unless something else keeps it there. */
export function cardDelivered(run: MeetingRun): void {
  if (!run.state.cardFailure) return;
  run.state.cardFailure = undefined;
  syncSearchAttributes(run);
}
