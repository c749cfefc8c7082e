import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AuditBacklog } from '../../db/audit-backlog';
import { openOrm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, Tenant } from '../../entities';
import { startOutageProxy } from '../support/outage-proxy';
import { testStack } from '../support/test-stack';

describe('audit backlog', () => {
  it('holds the rows of a database outage and writes them, with the time they happened, once it is back', async () => {
    const database = new URL(testStack().databaseUrl);
    const proxy = await startOutageProxy({ host: database.hostname, port: Number(database.port) });
    database.port = String(proxy.port);
    const orm = await openOrm(database.toString(), { connectMs: 500, acquireMs: 1_000, statementMs: 1_000 });
    try {
      const tenant = Object.assign(new Tenant(), { slackTeamId: `T${randomUUID().slice(0, 12)}`, name: 'Backlog Inc' });
      await inTenant(orm, tenant.id, async (em) => em.persist(tenant));
      const dropped: string[] = [];
      const backlog = new AuditBacklog((_row, reason) => dropped.push(reason));
      const workflowId = `meeting:${tenant.id}:1`;
      const failedAt = new Date(Date.now() - 60_000);
      backlog.hold({ tenantId: tenant.id, actor: 'U1', action: 'crm.note', result: 'failure', workflowId, detail: { attempt: 1, reason: 'database down' }, occurredAt: failedAt });

      await proxy.cut('refused');
      await backlog.writeHeld(orm);
      assert.equal(backlog.size, 1, 'kept while the database is down');

      await proxy.restore();
      await backlog.writeHeld(orm);
      assert.equal(backlog.size, 0);
      const rows = await inTenant(orm, tenant.id, (em) => em.find(AuditLog, { workflowId }));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.result, 'failure');
      assert.equal(rows[0]!.createdAt.getTime(), failedAt.getTime());
      assert.deepEqual(dropped, []);
    } finally {
      await orm.close();
      await proxy.close();
    }
  });
});
