import { readRepProfile } from '../../clients/slack-user-profile';
import { refreshStaleRepProfile } from '../../db/rep-profiles';
import { Tenant, User } from '../../entities';
import { inTenant } from '../../db/tenant-scope';
import type { ApiDependencies } from '../http/dependencies';
import { slackClientForTenant } from './slack-replies';

export type RepProfileAccess = Pick<ApiDependencies, 'orm' | 'secrets' | 'slack' | 'logger' | 'now'>;

/**
 * Reads the rep's zone, locale and name from Slack when their row has none or a day-old one.
 * A Slack failure is logged and the stored values stay (the next contact tries again): knowing
 * the zone late is better than refusing the rep's click.
 */
export async function refreshRepProfile(deps: RepProfileAccess, tenantId: string, slackUserId: string): Promise<User | null> {
  const now = new Date(deps.now?.() ?? Date.now());
  try {
    return await refreshStaleRepProfile(
      deps.orm,
      tenantId,
      slackUserId,
      async () => {
        const tenant = await inTenant(deps.orm, tenantId, (em) => em.findOneOrFail(Tenant, { id: tenantId }));
        const slack = await slackClientForTenant(deps, tenant);
        if (!slack) throw new Error('The workspace has no bot token');
        return readRepProfile(slack, slackUserId);
      },
      now,
    );
  } catch (error) {
    deps.logger.warn('Could not read the rep’s Slack profile; keeping the stored one', { tenantId, error });
    return inTenant(deps.orm, tenantId, (em) => em.findOne(User, { slackUserId }));
  }
}
