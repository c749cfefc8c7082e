import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { appendAudit } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { Tenant } from '../../entities';
import type { TenantPlan } from '../../domain/plan-limits';
import { planLimits, usageMonthOf } from '../../domain/plan-limits';
import { cardText } from '../support/card';
import { meetingState, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('plans and quotas', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  const month = usageMonthOf(new Date());

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  async function seedOnPlan(plan: TenantPlan): Promise<SeededTenant> {
    const seeded = await harness.seedTenant();
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(Tenant, { id: seeded.tenant.id })).plan = plan;
    });
    return seeded;
  }

  async function useMeetings(seeded: SeededTenant, count: number): Promise<void> {
    await inTenant(harness.orm, seeded.tenant.id, (em) =>
      em.execute(
        `insert into meeting_usage (tenant_id, recording_id, month) select ?, 'used-' || n, ? from generate_series(1, ?) as n`,
        [seeded.tenant.id, month.firstDay, count],
      ),
    );
  }

  async function followup(seeded: SeededTenant, recordingId: string, channelId = salesChannel): Promise<string> {
    const response = await harness.slashCommand(seeded, recordingId, { channelId });
    assert.equal(response.status, 200);
    return ((await response.json()) as { text: string }).text;
  }

  const meetingsCounted = (seeded: SeededTenant) =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const [row] = await em.execute<{ count: number }[]>('select count(*)::int as count from meeting_usage where month = ?', [month.firstDay]);
      return row!.count;
    });

  it('starts no workflow once the Free plan’s 30 meetings are used, and tells the rep why', async () => {
    const seeded = await seedOnPlan('free');
    await useMeetings(seeded, planLimits.free.meetingsPerMonth! - 1);
    const last = harness.addFathomMeeting(seeded);
    assert.match(await followup(seeded, String(last.recording_id)), /Preparing the follow-up/);
    assert.match(await followup(seeded, String(last.recording_id)), /already processed|Preparing/, 'the same meeting again is not refused');
    await waitFor('the loaded meeting counted', async () => (await meetingsCounted(seeded)) === 30);
    assert.equal(await meetingsCounted(seeded), 30, 'a repeated trigger counts once');

    const over = harness.addFathomMeeting(seeded);
    const answer = await followup(seeded, String(over.recording_id));
    assert.match(answer, new RegExp(`Your workspace has used its 30 meetings for ${month.name} on the Free plan`));
    assert.match(answer, new RegExp(`from ${month.resetsOn}`));
    await assert.rejects(harness.client.workflow.getHandle(harness.workflowId(seeded, over.recording_id)).describe(), WorkflowNotFoundError);
    assert.equal(await meetingsCounted(seeded), 30);
  });

  it('counts a meeting only once its recording is found, so made-up ids cost nothing', async () => {
    const seeded = await seedOnPlan('free');
    await useMeetings(seeded, planLimits.free.meetingsPerMonth! - 1);
    const missing = ['7000001', '7000002', '7000003'];
    for (const recordingId of missing) assert.match(await followup(seeded, recordingId), /Preparing the follow-up/);
    for (const recordingId of missing) {
      const workflowId = harness.workflowId(seeded, recordingId);
      await waitFor(`the failed load of ${recordingId}`, async () => (await meetingState(harness, workflowId)).preparationFailure !== undefined);
    }
    assert.equal(await meetingsCounted(seeded), 29, 'no missing recording was counted');

    const real = harness.addFathomMeeting(seeded);
    assert.match(await followup(seeded, String(real.recording_id)), /Preparing the follow-up/);
    const workflowId = harness.workflowId(seeded, real.recording_id);
    await waitFor('the real meeting drafted', async () => (await meetingState(harness, workflowId)).draftRevision > 0);
    assert.equal(await meetingsCounted(seeded), 30);
  });

  it('takes a rep’s /followup at once while another meeting of the workspace is being counted', async () => {
    const seeded = await seedOnPlan('free');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let counting!: () => void;
    const countingStarted = new Promise<void>((resolve) => (counting = resolve));
    // What loadMeeting holds while it counts a meeting: the tenant's quota lock.
    const counter = inTenant(harness.orm, seeded.tenant.id, async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`meeting-quota:${seeded.tenant.id}`]);
      counting();
      await released;
    });
    await countingStarted;
    try {
      const meeting = harness.addFathomMeeting(seeded);
      assert.match(await followup(seeded, String(meeting.recording_id)), /Preparing the follow-up/);
    } finally {
      release();
      await counter;
    }
  });

  it('has no meeting limit on the Business plan', async () => {
    const seeded = await seedOnPlan('business');
    await useMeetings(seeded, planLimits.team.meetingsPerMonth! + 1);
    const meeting = harness.addFathomMeeting(seeded);
    assert.match(await followup(seeded, String(meeting.recording_id)), /Preparing the follow-up/);
  });

  it('refuses drafting above the plan’s monthly AI token budget and says so on the card', async () => {
    const seeded = await seedOnPlan('free');
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      appendAudit(em, {
        tenantId: seeded.tenant.id,
        actor: 'workflow',
        action: 'draft.generated',
        target: 'earlier-meeting',
        result: 'success',
        detail: { tokensUsed: planLimits.free.aiTokensPerMonth },
      });
    });
    const meeting = harness.addFathomMeeting(seeded);
    const channel = 'C0BUDGET';
    harness.emulators.slack.addChannel({ id: channel, teamId: seeded.teamId, name: 'budget', botIsMember: true, memberIds: [seeded.rep.slackUserId] });
    await followup(seeded, String(meeting.recording_id), channel);
    const workflowId = harness.workflowId(seeded, meeting.recording_id);

    await waitFor('the budget failure', async () => (await meetingState(harness, workflowId)).preparationFailure?.kind === 'limit-reached');
    await waitFor('the card explaining it', () => /AI drafting budget for/.test(cardText(harness.emulators.slack, channel)));
    assert.match(cardText(harness.emulators.slack, channel), new RegExp(`on the Free plan .*Drafting resumes on ${month.resetsOn}`));
    assert.equal((await meetingState(harness, workflowId)).draftRevision, 0, 'no draft was written');
    const drafted = await inTenant(harness.orm, seeded.tenant.id, (em) =>
      em.execute(`select 1 from audit_log where action = 'draft.generated' and target = ?`, [String(meeting.recording_id)]),
    );
    assert.equal(drafted.length, 0, 'Claude was not asked');
  });
});
