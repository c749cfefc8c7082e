import assert from 'node:assert/strict';
import { listeningTenantDirectory } from '../../db/tenant-directory-cache';
import { inTenant } from '../../db/tenant-scope';
import { Tenant } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

/**
 * The API keeps the tenants of verified requests in memory. A change made elsewhere (the worker
 * deactivating an uninstalled tenant, another API process) must reach it: here the change is a
 * plain database write, not a request to this API, so only Postgres' notice can tell it.
 */
describe('Tenant directory cache: a change made elsewhere reaches the API', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
  });
  after(async () => harness?.close());

  const setStatus = (seeded: SeededTenant, status: 'active' | 'inactive') =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(Tenant, { id: seeded.tenant.id })).status = status;
    });

  it('a workspace deactivated by another process is refused on its next requests, and works again once reactivated', async () => {
    const seeded = await harness.seedTenant();
    const other = await harness.seedTenant();
    // Twice, so the tenant is certainly cached.
    assert.equal((await harness.slashCommand(seeded, 'help')).status, 200);
    assert.equal((await harness.slashCommand(seeded, 'help')).status, 200);

    await setStatus(seeded, 'inactive');
    // Bounded well below the cache's 30 s backstop: refused because the notice arrived, not because an entry expired.
    await waitFor('the deactivated workspace refused within 10 s', async () => (await harness.slashCommand(seeded, 'help')).status === 403, 10_000);
    assert.equal((await harness.click(seeded, { actionId: cardActions.logNote, value: 'rec-1' })).status, 403, 'clicks are refused too');
    assert.equal((await harness.slashCommand(other, 'help')).status, 200, 'another workspace is untouched');

    await setStatus(seeded, 'active');
    // A workspace that is not installed is never cached, so reactivation (a reinstall) works at once.
    assert.equal((await harness.slashCommand(seeded, 'help')).status, 200);
  });

  it('a burst of requests for a workspace not yet cached reads Postgres once, not once per request', async () => {
    const seeded = await harness.seedTenant();
    const { tenants, close } = await listeningTenantDirectory(harness.orm, () => {});
    const knex = harness.orm.em.getConnection().getKnex();
    let statements = 0;
    const count = (): void => {
      statements += 1;
    };
    try {
      knex.on('query', count);
      await tenants.tenantFor({ teamId: seeded.teamId });
      const oneRead = statements;
      const fresh = await listeningTenantDirectory(harness.orm, () => {});
      try {
        statements = 0;
        const found = await Promise.all(Array.from({ length: 20 }, () => fresh.tenants.tenantFor({ teamId: seeded.teamId })));
        assert.ok(found.every((tenant) => tenant?.id === seeded.tenant.id));
        assert.equal(statements, oneRead, `20 concurrent misses should cost one read (${oneRead} statements), not ${statements}`);
      } finally {
        await fresh.close();
      }
    } finally {
      knex.off('query', count);
      await close();
    }
  });
});
