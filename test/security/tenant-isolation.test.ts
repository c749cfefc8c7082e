import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { acrossTenants, inTenant } from '../../db/tenant-scope';
import { MeetingRecord } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { logNoteUpdate } from '../../workflows/messages';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const tenantTables = ['tenant', 'app_user', 'crm_connection', 'meeting_record', 'account_mapping', 'audit_log', 'meeting_usage', 'sync_incident'];

describe('tenant isolation', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;

  before(async () => {
    harness = await startProductHarness();
    tenantA = await harness.seedTenant();
    tenantB = await harness.seedTenant();
  });
  after(async () => harness?.close());

  describe('API: a signed request of one tenant cannot reach another tenant’s meeting', () => {
    it('resolves B’s recording id, or B’s whole workflow id, within A and refuses it', async () => {
      harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
      const { recordingId, workflowId } = await prepareMeeting(harness, tenantB, {}, cardActions.logNote);
      const refusalsBefore = harness.emulators.slack.responseUrlPosts().length;

      await harness.click(tenantA, { actionId: cardActions.logNote, value: recordingId });
      await harness.click(tenantA, { actionId: cardActions.logNote, value: workflowId });
      await harness.click(tenantA, { actionId: cardActions.dismiss, value: recordingId });
      await waitFor('the three refusals', () => harness.emulators.slack.responseUrlPosts().length >= refusalsBefore + 3);
      const refusals = harness.emulators.slack.responseUrlPosts().slice(refusalsBefore).map((post) => JSON.stringify(post));
      assert.ok(refusals.every((text) => /closed or no longer exists/.test(text)), refusals.join('\n'));

      const state = await meetingState(harness, workflowId);
      assert.equal(state.actions.note.status, 'idle');
      assert.equal(state.status, 'awaiting-rep');
      assert.equal(harness.emulators.hubspot.notes().length, 0);
    });

    it('refuses B’s meeting even when an update reaches its workflow directly with A’s identity', async () => {
      const { workflowId } = await prepareMeeting(harness, tenantB, {}, cardActions.logNote);
      const forged = { tenantId: tenantA.tenant.id, slackUserId: tenantB.rep.slackUserId, isAdmin: true };
      await assert.rejects(
        harness.client.workflow.getHandle(workflowId).executeUpdate(logNoteUpdate, { args: [{ actor: forged }] }),
        (error: unknown) => error instanceof WorkflowUpdateFailedError && /belongs to another workspace/.test(String((error.cause as Error)?.message)),
      );
      assert.equal((await meetingState(harness, workflowId)).actions.note.status, 'idle');
    });
  });

  describe('ORM: tenant-owned entities need a tenant', () => {
    // MikroORM itself refuses a filter without arguments; our filter's own check is the fallback.
    const noTenant = /No arguments provided for filter 'tenant'|Tenant context missing/;

    it('throws on a query without tenant context, even inside acrossTenants', async () => {
      await assert.rejects(harness.orm.em.fork().find(MeetingRecord, {}), noTenant);
      await assert.rejects(
        acrossTenants(harness.maintenanceOrm, (em) => em.find(MeetingRecord, {})),
        noTenant,
      );
    });
  });

  describe('database: row-level security is a second wall', () => {
    before(async () => {
      for (const seeded of [tenantA, tenantB]) {
        await inTenant(harness.orm, seeded.tenant.id, async (em) => {
          em.persist(
            Object.assign(new MeetingRecord(), {
              tenantId: seeded.tenant.id,
              recordingId: `rls-${randomUUID().slice(0, 8)}`,
              workflowId: 'meeting:rls',
              repSlackUserId: seeded.rep.slackUserId,
              title: `Private call of ${seeded.teamId}`,
              startedAt: new Date(),
              transcript: `[{"text":"secret of ${seeded.teamId}"}]`,
            }),
          );
        });
      }
    });

    it('shows raw SQL inside A’s transaction none of B’s rows, in any tenant table', async () => {
      for (const table of tenantTables) {
        const column = table === 'tenant' ? 'id' : 'tenant_id';
        const seen = await inTenant(harness.orm, tenantA.tenant.id, (em) =>
          em.execute<{ tenant: string }[]>(`select distinct ${column}::text as tenant from ${table}`),
        );
        assert.ok(seen.every((row) => row.tenant === tenantA.tenant.id), `${table} shows another tenant's rows: ${JSON.stringify(seen)}`);
      }
      const transcripts = await inTenant(harness.orm, tenantA.tenant.id, (em) => em.execute<{ transcript: string }[]>('select transcript from meeting_record'));
      assert.ok(transcripts.length > 0);
      assert.ok(!JSON.stringify(transcripts).includes(tenantB.teamId));
    });

    it('lets A neither change B’s rows nor write rows in B’s name', async () => {
      const changed = await inTenant(harness.orm, tenantA.tenant.id, (em) =>
        em.execute<{ affectedRows: number }>(`update meeting_record set title = 'changed by A' where tenant_id = ?`, [tenantB.tenant.id], 'run'),
      );
      assert.equal(changed.affectedRows, 0);
      await assert.rejects(
        inTenant(harness.orm, tenantA.tenant.id, (em) =>
          em.execute(`insert into account_mapping (id, tenant_id, provider, domain, account_id, account_name, source, confidence, hits, created_at, updated_at)
                       values (?, ?, 'hubspot', 'planted.example', '1', 'Planted', 'admin', 1, 0, now(), now())`, [randomUUID(), tenantB.tenant.id]),
        ),
        /row-level security/,
      );
    });

    it('shows nothing at all outside a tenant transaction', async () => {
      const [row] = await harness.orm.em.fork().getConnection().execute<{ count: number }[]>('select count(*)::int as count from meeting_record');
      assert.equal(row!.count, 0);
    });

    it('runs the app as a role that owns no table, cannot bypass RLS, and cannot rewrite the audit log', async () => {
      const connection = harness.orm.em.fork().getConnection();
      const [role] = await connection.execute<{ name: string; superuser: boolean; bypass: boolean }[]>(
        'select current_user as name, rolsuper as superuser, rolbypassrls as bypass from pg_roles where rolname = current_user',
      );
      assert.deepEqual(role, { name: 'app_runtime', superuser: false, bypass: false });
      const tables = await connection.execute<{ name: string; owner: string; enabled: boolean; forced: boolean }[]>(
        `select c.relname as name, pg_get_userbyid(c.relowner) as owner, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
           from pg_class c where c.relname = any(?::text[]) and c.relkind = 'r'`,
        [`{${tenantTables.join(',')}}`],
      );
      assert.equal(tables.length, tenantTables.length);
      for (const table of tables) {
        assert.notEqual(table.owner, 'app_runtime', `${table.name} is owned by the runtime role`);
        assert.ok(table.enabled && table.forced, `${table.name} has row-level security enabled and forced`);
      }
      await assert.rejects(
        inTenant(harness.orm, tenantA.tenant.id, (em) => em.execute(`update audit_log set action = 'rewritten'`)),
        /permission denied/,
      );
    });
  });
});
