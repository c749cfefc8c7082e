import { inTenant } from '../../db/tenant-scope';
import type { Orm } from '../../db/orm';
import { User, type Tenant } from '../../entities';
import type { Actor } from '../../domain/meeting';

/** The verified clicking user as the workflow sees them: tenant, Slack id, admin or not. */
export async function actorFor(orm: Orm, tenant: Tenant, slackUserId: string): Promise<Actor> {
  const user = await inTenant(orm, tenant.id, (em) => em.findOne(User, { slackUserId }));
  return { tenantId: tenant.id, slackUserId, isAdmin: user?.role === 'admin' };
}
