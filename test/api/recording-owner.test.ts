/**
 * A member runs `/followup <id>` for a recording another rep's follow-up already stored: the
 * draft, CRM note and card would be theirs. One recording is prepared for one rep only.
 */
import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord } from '../../entities';
import { meetingFollowUp } from '../../workflows';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('a recording belongs to one rep', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  const member = 'U0OTHERMEMBER';

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  const storedRecord = (seeded: SeededTenant, recordingId: string) =>
    inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(MeetingRecord, { recordingId }));
  const meetingsCounted = (seeded: SeededTenant) =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => (await em.execute<{ count: number }[]>('select count(*)::int as count from meeting_usage'))[0]!.count);

  it('refuses another member’s /followup of a stored recording before anything starts', async () => {
    const seeded = await harness.seedTenant();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded);
    await waitFor('the rep’s meeting stored', async () => (await meetingState(harness, workflowId)).draftRevision > 0);
    // The rep's run ended abnormally, so Temporal itself would let a new run start under this id.
    await harness.client.workflow.getHandle(workflowId).terminate('test: the rep’s run ended');
    const counted = await meetingsCounted(seeded);

    const response = await harness.slashCommand(seeded, recordingId, { channelId: salesChannel, userId: member });
    assert.match(((await response.json()) as { text: string }).text, /another rep’s meeting/);
    const latest = await harness.client.workflow.getHandle(workflowId).describe();
    assert.equal(latest.status.name, 'TERMINATED', 'no new run was started for the member');
    assert.equal((await storedRecord(seeded, recordingId)).repSlackUserId, seeded.rep.slackUserId);
    assert.equal(await meetingsCounted(seeded), counted);
  });

  it('refuses in loadMeeting too, when a run for another rep reaches a stored recording', async () => {
    const seeded = await harness.seedTenant();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded);
    await waitFor('the rep’s meeting stored', async () => (await meetingState(harness, workflowId)).draftRevision > 0);
    const sideRun = await harness.client.workflow.start(meetingFollowUp, {
      workflowId: `${workflowId}:other-rep`,
      taskQueue: harness.taskQueue,
      args: [
        {
          tenantId: seeded.tenant.id,
          recordingId,
          repSlackUserId: member,
          trigger: 'operator',
          nudgeAfterMs: 3_600_000,
          expireAfterMs: 86_400_000,
          autoLogWhenConfident: false,
          offeredActions: ['note', 'draft', 'event'],
        },
      ],
    });
    await waitFor('the refused preparation', async () => (await meetingState(harness, sideRun.workflowId)).preparationFailure !== undefined);
    const state = await meetingState(harness, sideRun.workflowId);
    assert.match(state.preparationFailure!.message, /another rep’s meeting/, JSON.stringify(state.preparationFailure));
    assert.equal(state.facts, undefined, 'nothing of the meeting reached the other rep’s run');
    assert.equal((await storedRecord(seeded, recordingId)).repSlackUserId, seeded.rep.slackUserId);
    await sideRun.terminate('test done');
  });
});
