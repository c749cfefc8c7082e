import type { TenantStatus } from '../entities/tenant';
import type { Orm } from './orm';

/**
 * The two questions asked before a tenant is known, answered by database functions that return
 * one tenant id for an exact key (migration 20261130090000): the runtime login can ask them, but
 * cannot list tenants or read another tenant's rows. The answer is then loaded with `inTenant`.
 */

/** The tenant installed for a Slack team or Enterprise Grid id, whatever its status. */
export async function tenantOfSlackId(orm: Orm, slackId: string): Promise<{ tenantId: string; status: TenantStatus } | null> {
  const [row] = await orm.em.fork().getConnection().execute<{ id: string; status: TenantStatus }[]>('select id, status from tenant_of_slack_id(?)', [slackId]);
  return row ? { tenantId: row.id, status: row.status } : null;
}

/** The tenant of an app user (a rep's id, as in their Fathom webhook URL). */
export async function tenantOfUser(orm: Orm, userId: string): Promise<string | null> {
  const [row] = await orm.em.fork().getConnection().execute<{ tenant_id: string | null }[]>('select tenant_of_user(?) as tenant_id', [userId]);
  return row?.tenant_id ?? null;
}
