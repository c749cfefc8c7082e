import assert from 'node:assert/strict';
import type { WorkflowStartUpdateInput, WorkflowStartUpdateOutput } from '@temporalio/client';
import { KnownUpdateOutcomes } from '../../../api/meetings/known-update-outcomes';

/** Runs the interceptor as the client does, with Temporal's answer for `updateId`. */
async function started(outcomes: KnownUpdateOutcomes, updateId: string, finished: boolean): Promise<void> {
  const answer: WorkflowStartUpdateOutput = { updateId, workflowRunId: 'run', ...(finished ? { outcome: { success: { payloads: [] } } } : {}) };
  await outcomes.interceptor.startUpdate!({} as WorkflowStartUpdateInput, async () => answer);
}

describe('which update outcomes the API reads at once', () => {
  it('reads the outcome of a watched update only when it came with the acceptance, and once', async () => {
    const outcomes = new KnownUpdateOutcomes();
    const quick = outcomes.watch();
    const slow = outcomes.watch();
    await started(outcomes, quick, true);
    await started(outcomes, slow, false);
    assert.equal(outcomes.takeFinished(quick), true);
    assert.equal(outcomes.takeFinished(quick), false, 'forgotten once taken');
    assert.equal(outcomes.takeFinished(slow), false, 'a running action is not polled for');
  });

  it('keeps nothing of updates it was not asked to watch (executeUpdate passes through startUpdate too)', async () => {
    const outcomes = new KnownUpdateOutcomes();
    await started(outcomes, 'an-executed-update', true);
    assert.equal(outcomes.takeFinished('an-executed-update'), false);
  });
});
