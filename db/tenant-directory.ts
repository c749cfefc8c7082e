import type { Actor } from '../domain/meeting';
import { Tenant, User } from '../entities';
import type { TenantStatus } from '../entities/tenant';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

/**
 * The questions asked before a tenant is known, answered by database functions that return
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

/** The active tenant installed under one Slack team or Enterprise Grid id; inactive ones resolve to nothing. */
export async function activeTenantOfSlackId(orm: Orm, slackId: string): Promise<Tenant | null> {
  const installed = await tenantOfSlackId(orm, slackId);
  if (installed?.status !== 'active') return null;
  return inTenant(orm, installed.tenantId, (em) => em.findOne(Tenant, { id: installed.tenantId, status: 'active' }));
}

/** A verified Slack user of the tenant as the workflow sees them: tenant, Slack id, admin or not. */
export async function actorOfSlackUser(orm: Orm, tenant: Tenant, slackUserId: string): Promise<Actor> {
  const user = await inTenant(orm, tenant.id, (em) => em.findOne(User, { slackUserId }));
  return { tenantId: tenant.id, slackUserId, isAdmin: user?.role === 'admin' };
}
