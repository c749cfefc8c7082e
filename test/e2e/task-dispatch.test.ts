import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { inTenant } from '../../db/tenant-scope';
import { fairnessWeights, priorityKeys, systemDispatch } from '../../domain/task-dispatch';
import { Tenant } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { requestTenantDeletion } from '../../wiring/tenant-deletion';
import { ensureTranscriptPurgeSchedule } from '../../wiring/transcript-purge-schedule';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The priority each scheduling of `activity` carried into history, in order. */
function scheduledPriorities(events: HistoryEvent[], activity: string): (temporal.api.common.v1.IPriority | null | undefined)[] {
  return events
    .map((event) => event.activityTaskScheduledEventAttributes)
    .filter((scheduled) => scheduled?.activityType?.name === activity)
    .map((scheduled) => scheduled?.priority);
}

/**
 * What Temporal's task queues are told about each piece of work, read back from the workflow's
 * history: whose fair share it is and how urgent (domain/task-dispatch.ts).
 */
describe('task queue priority and fairness', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  it('starts a meeting as its tenant’s fair share by plan, and runs what the rep clicked before what nobody waits for', async () => {
    const seeded = await harness.seedTenant({ autoLog: true });
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(Tenant, { id: seeded.tenant.id })).plan = 'business';
    });
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });

    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.createDraft);
    // The confident match logs the note on its own; then the rep asks for the email draft.
    await waitFor('the automatic note', () => harness.emulators.hubspot.notes().length === 1);
    const click = await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
    assert.equal(click.status, 200);
    await waitFor('the Gmail draft', async () => (await meetingState(harness, workflowId)).actions.draft.status === 'done');

    const events = (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    assert.deepEqual(
      { ...started?.priority },
      { priorityKey: priorityKeys.meeting, fairnessKey: seeded.tenant.id, fairnessWeight: fairnessWeights.business },
      'the meeting is dispatched as its tenant, weighted by the Business plan',
    );
    assert.deepEqual(scheduledPriorities(events, 'logCrmNote').map((priority) => priority?.priorityKey), [priorityKeys.background], 'the automatic note is background work');
    assert.deepEqual(scheduledPriorities(events, 'createEmailDraft').map((priority) => priority?.priorityKey), [priorityKeys.personWaiting], 'the rep’s click goes first');
    const cardPriorities = scheduledPriorities(events, 'publishCard');
    assert.ok(cardPriorities.length > 0);
    assert.ok(cardPriorities.every((priority) => priority?.priorityKey === priorityKeys.personWaiting), 'every card publication goes first');
    // Preparing the follow-up sets no priority of its own: it runs at the meeting's.
    assert.deepEqual(scheduledPriorities(events, 'draftFollowUp').map((priority) => priority?.priorityKey ?? 0), [0]);
    assert.ok(priorityKeys.personWaiting < priorityKeys.meeting && priorityKeys.meeting < priorityKeys.background);
  });

  it('an unknown plan gets the smallest plan’s share', async () => {
    const seeded = await harness.seedTenant();
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(Tenant, { id: seeded.tenant.id })).plan = 'enterprise-2031' as Tenant['plan'];
    });
    const { workflowId } = await prepareMeeting(harness, seeded);
    const events = (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    assert.equal(events[0]?.workflowExecutionStartedEventAttributes?.priority?.fairnessWeight, fairnessWeights.free);
  });

  it('erases a tenant after everyone’s own work, still as that tenant’s share', async () => {
    const seeded = await harness.seedTenant();
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(Tenant, { id: seeded.tenant.id })).plan = 'team';
    });
    const { workflowId, result } = await requestTenantDeletion(harness.orm, harness.client, harness.taskQueue, { tenantId: seeded.tenant.id, requestedBy: 'TICKET-17' });
    await result;
    const events = (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    assert.deepEqual(
      { ...events[0]?.workflowExecutionStartedEventAttributes?.priority },
      { priorityKey: priorityKeys.maintenance, fairnessKey: seeded.tenant.id, fairnessWeight: fairnessWeights.team },
    );
    const activityPriorities = events.flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes.priority?.priorityKey] : []));
    assert.ok(activityPriorities.length > 0);
    assert.ok(activityPriorities.every((priorityKey) => priorityKey === priorityKeys.maintenance), `every step is housekeeping: ${activityPriorities.join(', ')}`);
  });

  it('starts the daily transcript purge after every tenant’s own work, as a share of its own', async () => {
    const scheduleId = `purge-priority-${randomUUID()}`;
    await ensureTranscriptPurgeSchedule(harness.client, harness.taskQueue, scheduleId);
    const handle = harness.client.schedule.getHandle(scheduleId);
    try {
      const { action } = await handle.describe();
      assert.deepEqual({ ...action.priority }, { ...systemDispatch });
    } finally {
      await handle.delete();
    }
  });
});
