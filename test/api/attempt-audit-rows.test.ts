import assert from 'node:assert/strict';
import { appendAttemptAudits } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog } from '../../entities';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

describe('attempt audit rows: one row per attempt, whoever writes it', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    seeded = await harness.seedTenant();
  });
  after(() => harness?.close());

  it('writes every row of a batch, keeps the first row of an attempt and never a second one', async () => {
    const tenantId = seeded.tenant.id;
    const row = (attempt: number, result: 'success' | 'failure', reason?: string) => ({
      tenantId,
      actor: seeded.rep.slackUserId,
      action: 'crm.note',
      workflowId: 'wf-audit-batch',
      result,
      detail: { attempt, ...(reason ? { reason } : {}) },
      attemptKey: `run-1:activity-1:${attempt}`,
      occurredAt: new Date(Date.now() - (10 - attempt) * 1000),
    });
    // Attempt 3 writes the row attempt 2 carried, its own, and a placeholder for attempts 1 and 2.
    await inTenant(harness.orm, tenantId, (em) =>
      appendAttemptAudits(em, [row(2, 'failure', 'CRM timed out'), row(3, 'success'), row(1, 'failure', 'No outcome reported'), row(2, 'failure', 'No outcome reported')]),
    );
    // A replay of the same attempt (its answer was lost) writes nothing more.
    await inTenant(harness.orm, tenantId, (em) => appendAttemptAudits(em, [row(3, 'success')]));

    const rows = await inTenant(harness.orm, tenantId, (em) => em.find(AuditLog, { workflowId: 'wf-audit-batch' }, { orderBy: { createdAt: 'asc' } }));
    assert.deepEqual(
      rows.map((written) => [written.detail.attempt, written.result, written.detail.reason ?? null]),
      [
        [1, 'failure', 'No outcome reported'],
        [2, 'failure', 'CRM timed out'],
        [3, 'success', null],
      ],
    );
  });
});
