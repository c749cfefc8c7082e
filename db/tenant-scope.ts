import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantFilterName } from '../entities';
import { DatabaseUnavailableError } from './database-unavailable';
import type { MaintenanceOrm, Orm } from './orm';

/**
 * The first statement of a scope's transaction. Finding the transaction already complete there
 * means its BEGIN failed: the pooled connection had died (the server stopped or restarted), and
 * knex keeps that error to itself, leaving only "Transaction query already complete".
 */
async function firstStatement(em: EntityManager, sql: string, values: unknown[]): Promise<void> {
  try {
    await em.execute(sql, values);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Transaction query already complete')) {
      throw new DatabaseUnavailableError('The transaction could not begin: its database connection had failed.', { cause: error });
    }
    throw error;
  }
}

/**
 * Runs `work` in one transaction bound to one tenant: the ORM's tenant filter gets the id
 * (so every query is scoped) and so does Postgres (`app.tenant_id`, read by row-level
 * security policies), set with `is_local` so a pooled connection never carries it over.
 */
export async function inTenant<T>(orm: Orm, tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(async (em) => {
    em.setFilterParams(tenantFilterName, { tenantId });
    await firstStatement(em, `select set_config('app.tenant_id', ?, true)`, [tenantId]);
    return work(em);
  });
}

/**
 * Work across tenants (the transcript purge), on the maintenance login: its own policies let it
 * through, and only as far as they reach. Tenant-owned entities still need `filters: false` on
 * each query, which makes every such read visible in review.
 */
export async function acrossTenants<T>(orm: MaintenanceOrm, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(work);
}
