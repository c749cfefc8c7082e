import assert from 'node:assert/strict';
import { appendAudit } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { operatorToken, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

interface ExportedRow {
  id: string;
  time: string;
  tenantId: string;
  actor: string;
  action: string;
  target: string | null;
  result: string;
}

describe('audit log export', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;

  before(async () => {
    // An identity header is configured, but this test's requests do not come from the proxy.
    harness = await startProductHarness({
      startWorker: false,
      env: { OPERATOR_IDENTITY_HEADER: 'x-forwarded-email', OPERATOR_TRUSTED_PROXIES: '192.0.2.10' },
    });
    tenantA = await harness.seedTenant();
    tenantB = await harness.seedTenant();
    const entries: [SeededTenant, string, number][] = [
      [tenantA, 'crm.note', 3],
      [tenantB, 'crm.note', 2],
      [tenantA, 'draft.generated', 1],
      [tenantA, 'email.draft', 2],
    ];
    for (const [seeded, action, minutesAgo] of entries) {
      await inTenant(harness.orm, seeded.tenant.id, async (em) => {
        const row = appendAudit(em, { tenantId: seeded.tenant.id, actor: seeded.rep.slackUserId, action, target: seeded.teamId, result: 'success' });
        row.createdAt = new Date(Date.now() - minutesAgo * 60_000);
      });
    }
  });
  after(async () => harness?.close());

  const exportOf = (tenantId: string, headers: Record<string, string> = { authorization: `Bearer ${operatorToken}` }) =>
    fetch(`${harness.operatorUrl}/operator/tenants/${tenantId}/audit-log`, { headers });

  it('gives the operator one tenant’s audit log as JSON lines, oldest first, and records the export', async () => {
    const response = await exportOf(tenantA.tenant.id);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const rows = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as ExportedRow);
    assert.ok(rows.every((row) => row.tenantId === tenantA.tenant.id), 'only this tenant’s rows');
    assert.ok(!rows.some((row) => row.target === tenantB.teamId));
    const times = rows.map((row) => Date.parse(row.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'ordered by time');
    const actions = rows.map((row) => row.action);
    assert.deepEqual(actions.slice(-4), ['crm.note', 'email.draft', 'draft.generated', 'audit.exported']);
    assert.deepEqual({ actor: rows.at(-1)!.actor, result: rows.at(-1)!.result }, { actor: 'operator', result: 'success' });
  });

  it('ignores an identity header that did not come from the trusted proxy', async () => {
    const response = await exportOf(tenantA.tenant.id, { authorization: `Bearer ${operatorToken}`, 'x-forwarded-email': 'mallory@example.com' });
    assert.equal(response.status, 200);
    const last = JSON.parse((await response.text()).trim().split('\n').at(-1)!) as ExportedRow;
    assert.equal(last.actor, 'operator');
  });

  it('is for operators only', async () => {
    assert.equal((await exportOf(tenantA.tenant.id, {})).status, 401);
    assert.equal((await exportOf(tenantA.tenant.id, { authorization: 'Bearer guess' })).status, 401);
    assert.equal((await exportOf('not-a-tenant')).status, 400);
  });
});
