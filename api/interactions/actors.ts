import type { Orm } from '../../db/orm';
import { actorOfSlackUser } from '../../db/tenant-directory';
import type { Tenant } from '../../entities';
import type { Actor } from '../../domain/meeting';

/** The clicking user read afresh, for screens only admins may use; card clicks take the cached one (deps.tenants). */
export function actorFor(orm: Orm, tenant: Tenant, slackUserId: string): Promise<Actor> {
  return actorOfSlackUser(orm, tenant, slackUserId);
}
