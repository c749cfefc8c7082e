import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { databaseRoleNames } from '../../db/database-roles';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, MeetingRecord, Tenant } from '../../entities';
import { requestTenantDeletion } from '../../wiring/tenant-deletion';
import { purgeExpiredTranscripts } from '../../workflows';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

const day = 24 * 60 * 60 * 1000;

/** Which tenants' meetings this session can read. */
async function visibleMeetingTenants(em: EntityManager): Promise<string[]> {
  const rows = await em.execute<{ tenant_id: string }[]>('select distinct tenant_id::text as tenant_id from meeting_record');
  return rows.map((row) => row.tenant_id);
}

describe('row-level security cannot be switched off from the app’s own database login', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;

  async function storeOldMeeting(seeded: SeededTenant): Promise<string> {
    const recordingId = `confined-${randomUUID().slice(0, 8)}`;
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: seeded.tenant.id });
      tenant.settings = { ...tenant.settings, transcriptRetentionDays: 30 };
      em.persist(
        Object.assign(new MeetingRecord(), {
          tenantId: seeded.tenant.id,
          recordingId,
          workflowId: harness.workflowId(seeded, recordingId),
          repSlackUserId: seeded.rep.slackUserId,
          title: `Call of ${seeded.teamId}`,
          startedAt: new Date(Date.now() - 40 * day),
          createdAt: new Date(Date.now() - 40 * day),
          transcript: `[{"text":"secret of ${seeded.teamId}"}]`,
          transcriptSha256: 'b'.repeat(64),
        }),
      );
    });
    return recordingId;
  }

  before(async () => {
    harness = await startProductHarness();
    tenantA = await harness.seedTenant();
    tenantB = await harness.seedTenant();
    await storeOldMeeting(tenantA);
    await storeOldMeeting(tenantB);
  });
  after(async () => harness?.close());

  it('logs in as a role that is no superuser, cannot bypass RLS, owns nothing and is no member of the owner', async () => {
    const [login] = await harness.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
      `select current_user as name, r.rolsuper as superuser, r.rolbypassrls as bypass,
              pg_has_role(current_user, ?, 'member') as owner_member,
              (select count(*)::int from pg_class where relowner = r.oid) + (select count(*)::int from pg_proc where proowner = r.oid) as owned
         from pg_roles r where r.rolname = current_user`,
      [databaseRoleNames.owner],
    );
    assert.deepEqual(login, { name: databaseRoleNames.runtime, superuser: false, bypass: false, owner_member: false, owned: 0 });
  });

  it('RESET ROLE inside A’s transaction still shows only A’s rows, and outside a tenant none', async () => {
    const seenInA = await inTenant(harness.orm, tenantA.tenant.id, async (em) => {
      await em.execute('reset role');
      return visibleMeetingTenants(em);
    });
    assert.deepEqual(seenInA, [tenantA.tenant.id]);
    const seenOutside = await harness.orm.em.fork().transactional(async (em) => {
      await em.execute('reset role');
      return visibleMeetingTenants(em);
    });
    assert.deepEqual(seenOutside, []);
  });

  it('refuses SET ROLE to the owner', async () => {
    await assert.rejects(
      inTenant(harness.orm, tenantA.tenant.id, (em) => em.execute(`set role ${databaseRoleNames.owner}`)),
      /permission denied to set role/,
    );
  });

  it('ignores app.cross_tenant, even set for the whole session', async () => {
    const seenInA = await inTenant(harness.orm, tenantA.tenant.id, async (em) => {
      await em.execute(`select set_config('app.cross_tenant', 'on', false)`);
      return visibleMeetingTenants(em);
    });
    assert.deepEqual(seenInA, [tenantA.tenant.id]);
    const seenOutside = await harness.orm.em.fork().transactional(async (em) => {
      await em.execute(`select set_config('app.cross_tenant', 'on', false)`);
      const seen = await visibleMeetingTenants(em);
      await em.execute('reset app.cross_tenant');
      return seen;
    });
    assert.deepEqual(seenOutside, []);
  });

  it('answers the pre-tenant lookups with one tenant id only, never a listing', async () => {
    const connection = harness.orm.em.fork().getConnection();
    const [bySlackId] = await connection.execute<{ id: string }[]>('select id from tenant_of_slack_id(?)', [tenantB.teamId]);
    assert.equal(bySlackId?.id, tenantB.tenant.id);
    assert.deepEqual(await connection.execute(`select id from tenant_of_slack_id('%')`), [], 'an exact key, not a pattern');
    const [everyTenant] = await connection.execute<{ count: number }[]>('select count(*)::int as count from tenant');
    assert.equal(everyTenant!.count, 0);
  });

  it('the maintenance login purges across tenants, and may do nothing else', async () => {
    const result = await harness.client.workflow.execute(purgeExpiredTranscripts, { taskQueue: harness.taskQueue, workflowId: `purge-confined-${randomUUID()}` });
    assert.ok(result.purged >= 2);
    for (const seeded of [tenantA, tenantB]) {
      const meetings = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(MeetingRecord, { recordingId: { $like: 'confined-%' } }, { populate: ['transcript'] }));
      assert.deepEqual(meetings.map((meeting) => meeting.transcript), [null], `${seeded.teamId}'s old transcript is purged`);
      const audit = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { action: 'transcript.purged' }));
      assert.equal(audit.length, 1);
    }
    const maintenance = harness.maintenanceOrm.em.fork().getConnection();
    await assert.rejects(maintenance.execute('select * from app_user'), /permission denied/);
    await assert.rejects(maintenance.execute('delete from meeting_record'), /permission denied/);
    await assert.rejects(maintenance.execute(`update meeting_record set title = 'rewritten'`), /permission denied/);
  });

  it('deletes one tenant completely and leaves the other’s rows alone', async () => {
    const { result } = await requestTenantDeletion(harness.orm, harness.client, harness.taskQueue, { tenantId: tenantB.tenant.id, requestedBy: 'confinement-test' });
    await result;
    const left = async (seeded: SeededTenant) =>
      inTenant(harness.orm, seeded.tenant.id, async (em) => ({ tenants: await em.count(Tenant, {}), meetings: await em.count(MeetingRecord, {}) }));
    assert.deepEqual(await left(tenantB), { tenants: 0, meetings: 0 });
    assert.deepEqual(await left(tenantA), { tenants: 1, meetings: 1 });
  });
});
