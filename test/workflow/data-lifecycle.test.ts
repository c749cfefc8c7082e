import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, MeetingRecord, Tenant } from '../../entities';
import { ensureTranscriptPurgeSchedule } from '../../wiring/transcript-purge-schedule';
import { secretNames } from '../../secrets/secret-store';
import { cardActions } from '../../slack/action-ids';
import { requestTenantDeletion } from '../../wiring/tenant-deletion';
import { deleteTenant, purgeExpiredTranscripts } from '../../workflows';
import { deleteTenantWorkflowId } from '../../workflows/data-lifecycle-types';
import { prepareMeeting } from '../support/meeting-flow';
import { operatorToken, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

const day = 24 * 60 * 60 * 1000;

describe('data lifecycle: retention and tenant deletion', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  async function storeMeeting(seeded: SeededTenant, storedDaysAgo: number): Promise<string> {
    const recordingId = `retention-${randomUUID().slice(0, 8)}`;
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      em.persist(
        Object.assign(new MeetingRecord(), {
          tenantId: seeded.tenant.id,
          recordingId,
          workflowId: harness.workflowId(seeded, recordingId),
          repSlackUserId: seeded.rep.slackUserId,
          title: 'Discovery call',
          startedAt: new Date(Date.now() - storedDaysAgo * day),
          createdAt: new Date(Date.now() - storedDaysAgo * day),
          transcript: '[{"speaker":"John","text":"Our budget is 40k"}]',
          transcriptSha256: 'a'.repeat(64),
        }),
      );
    });
    return recordingId;
  }

  const stored = (seeded: SeededTenant, recordingId: string) =>
    inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(MeetingRecord, { recordingId }, { populate: ['transcript'] }));

  async function setRetention(seeded: SeededTenant, days: number): Promise<void> {
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: seeded.tenant.id });
      tenant.settings = { ...tenant.settings, transcriptRetentionDays: days };
    });
  }

  it('deletes transcripts older than the tenant’s retention period when the purge runs, and audits each', async () => {
    const shortRetention = await harness.seedTenant();
    const longRetention = await harness.seedTenant();
    await setRetention(shortRetention, 30);
    await setRetention(longRetention, 90);
    const expired = await storeMeeting(shortRetention, 40);
    const recent = await storeMeeting(shortRetention, 5);
    const keptLonger = await storeMeeting(longRetention, 40);

    const result = await harness.client.workflow.execute(purgeExpiredTranscripts, { taskQueue: harness.taskQueue, workflowId: `purge-test-${randomUUID()}` });
    assert.ok(result.purged >= 1);

    const purged = await stored(shortRetention, expired);
    assert.equal(purged.transcript, null);
    assert.ok(purged.transcriptDeletedAt instanceof Date);
    assert.equal(purged.title, 'Discovery call', 'the meeting itself stays');
    assert.notEqual((await stored(shortRetention, recent)).transcript, null);
    assert.notEqual((await stored(longRetention, keptLonger)).transcript, null);
    const audit = await inTenant(harness.orm, shortRetention.tenant.id, (em) => em.find(AuditLog, { action: 'transcript.purged' }));
    assert.deepEqual(audit.map((row) => row.target), [expired]);
    assert.equal(audit[0]!.detail.retentionDays, 30);

    const again = await harness.client.workflow.execute(purgeExpiredTranscripts, { taskQueue: harness.taskQueue, workflowId: `purge-test-${randomUUID()}` });
    assert.equal(again.purged, 0, 'a second run finds nothing left to purge');
  });

  it('forgets rate-limit buckets idle for over a day when the purge runs, and keeps live or paused ones', async () => {
    const prefix = `purge-test:${randomUUID().slice(0, 8)}`;
    const bucket = (name: string, refilledHoursAgo: number, pausedForHours: number | null) =>
      harness.orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into api_rate_limit (key, tokens, capacity, refill_per_ms, refilled_at, paused_until)
           values (?, 1, 10, 0.001, now() - make_interval(hours => ?), case when ?::int is null then null else now() + make_interval(hours => ?::int) end)`,
          [`${prefix}:${name}`, refilledHoursAgo, pausedForHours, pausedForHours],
        );
    await bucket('idle', 30, null);
    await bucket('recent', 1, null);
    await bucket('paused', 30, 2);

    await harness.client.workflow.execute(purgeExpiredTranscripts, { taskQueue: harness.taskQueue, workflowId: `purge-test-${randomUUID()}` });

    const left = await harness.orm.em.fork().getConnection().execute<{ key: string }[]>(`select key from api_rate_limit where key like ? order by key`, [`${prefix}:%`]);
    assert.deepEqual(
      left.map((row) => row.key),
      [`${prefix}:paused`, `${prefix}:recent`],
    );
  });

  it('creates the daily purge schedule once, however many workers start', async () => {
    const scheduleId = `purge-schedule-test-${randomUUID()}`;
    assert.equal(await ensureTranscriptPurgeSchedule(harness.client, harness.taskQueue, scheduleId), 'created');
    assert.equal(await ensureTranscriptPurgeSchedule(harness.client, harness.taskQueue, scheduleId), 'existing');
    const schedule = harness.client.schedule.getHandle(scheduleId);
    try {
      const description = await schedule.describe();
      assert.equal(description.action.type, 'startWorkflow');
      assert.equal(description.action.type === 'startWorkflow' && description.action.workflowType, 'purgeExpiredTranscripts');
      assert.deepEqual(
        description.spec.calendars?.map((calendar) => [calendar.hour, calendar.minute]),
        [[[{ start: 3, end: 3, step: 1 }], [{ start: 30, end: 30, step: 1 }]]],
      );
    } finally {
      await schedule.delete();
    }
  });

  it('deletes a tenant: no rows and no secrets left, only its audit log, which the operator can still export', async () => {
    const doomed = await harness.seedTenant();
    const bystander = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { workflowId: meetingWorkflowId } = await prepareMeeting(harness, doomed, {}, cardActions.logNote);
    await storeMeeting(bystander, 1);

    const { result: deletion } = await requestTenantDeletion(harness.orm, harness.client, harness.taskQueue, {
      tenantId: doomed.tenant.id,
      requestedBy: 'ticket-4711',
    });
    const result = await deletion;
    assert.equal(result.deletedRows.tenant, 1);
    assert.ok(result.deletedRows.meeting_record! >= 1);
    assert.ok(result.deletedSecrets >= 4, 'bot token, Fathom, Google and CRM credentials');
    assert.equal(result.cancelSignalsSent, 1);
    assert.equal((await harness.client.workflow.getHandle(meetingWorkflowId).result()).status, 'cancelled');

    // Counted in the tenant's own scope: whatever of it is left would be visible there.
    const leftovers = await inTenant(harness.orm, doomed.tenant.id, async (em) => {
      const tables = await em.execute<{ table_name: string }[]>(
        `select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'tenant_id' and table_name <> 'audit_log'`,
      );
      const counts: Record<string, number> = {};
      for (const { table_name: table } of [...tables, { table_name: 'tenant' }]) {
        const column = table === 'tenant' ? 'id' : 'tenant_id';
        const [row] = await em.execute<{ count: number }[]>(`select count(*)::int as count from "${table}" where ${column} = ?`, [doomed.tenant.id]);
        counts[table] = row!.count;
      }
      return counts;
    });
    assert.ok(Object.keys(leftovers).length >= 6);
    assert.deepEqual(Object.entries(leftovers).filter(([, count]) => count > 0), [], 'no row of the tenant is left');
    const [secretRows] = await harness.orm.em
      .fork()
      .getConnection()
      .execute<{ count: number }[]>('select count(*)::int as count from secret_value where starts_with(name, ?)', [secretNames.tenantPrefix(doomed.tenant.id)]);
    assert.equal(secretRows!.count, 0, 'no secret of the tenant is left');
    assert.equal(await harness.secrets.get(secretNames.slackBotToken(doomed.tenant.id)), null);

    const audit = await inTenant(harness.orm, doomed.tenant.id, (em) => em.find(AuditLog, {}, { orderBy: { createdAt: 'asc', id: 'asc' } }));
    assert.ok(audit.some((row) => row.action === 'draft.generated'), 'the history before the deletion stays');
    assert.equal(audit.at(-1)!.action, 'tenant.deleted');
    assert.equal(audit.at(-1)!.detail.requestedBy, 'ticket-4711');

    assert.equal((await inTenant(harness.orm, bystander.tenant.id, (em) => em.count(MeetingRecord, {}))), 1, 'other tenants are untouched');
    assert.notEqual(await harness.secrets.get(secretNames.slackBotToken(bystander.tenant.id)), null);

    const exported = await fetch(`${harness.operatorUrl}/operator/tenants/${doomed.tenant.id}/audit-log`, { headers: { authorization: `Bearer ${operatorToken}` } });
    assert.equal(exported.status, 200);
    const lines = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { action: string });
    assert.ok(lines.some((line) => line.action === 'tenant.deleted'));
  });

  it('deletes nothing when a deleteTenant workflow is started without the audited request, even with the payload key', async () => {
    const target = await harness.seedTenant();
    await assert.rejects(
      harness.client.workflow.execute(deleteTenant, {
        taskQueue: harness.taskQueue,
        workflowId: deleteTenantWorkflowId(target.tenant.id),
        args: [{ tenantId: target.tenant.id, requestedBy: 'someone' }],
      }),
      (error: Error) => /not requested through the deletion command/.test(String((error.cause as Error | undefined)?.cause ?? error.cause)),
    );
    const tenant = await inTenant(harness.orm, target.tenant.id, (em) => em.findOneOrFail(Tenant, { id: target.tenant.id }));
    assert.equal(tenant.status, 'active');
    assert.notEqual(await harness.secrets.get(secretNames.slackBotToken(target.tenant.id)), null);
  });
});
