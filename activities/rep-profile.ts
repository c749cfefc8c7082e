import { readRepProfile } from '../clients/slack-user-profile';
import { refreshStaleProfileOf } from '../db/rep-profiles';
import type { User } from '../entities';
import { inTenant } from '../db/tenant-scope';
import type { ActivityDependencies } from './dependencies';
import { loadTenant, slackClientFor } from './tenant-services';

/**
 * Reads the rep's zone, locale and name from Slack when the stored ones (on `rep`, just read) are missing or a day
 * old, so a meeting's card, events and tasks use where the rep is now. A Slack failure is only
 * logged: the meeting goes on with the stored values and the next meeting tries again.
 */
export async function refreshRepProfileBeforeMeeting(deps: ActivityDependencies, tenantId: string, rep: User | null): Promise<void> {
  try {
    await refreshStaleProfileOf(
      deps.orm,
      rep,
      async () => {
        const tenant = await inTenant(deps.orm, tenantId, (em) => loadTenant(em, tenantId));
        return readRepProfile(await slackClientFor(deps, tenant), rep!.slackUserId);
      },
      deps.now(),
    );
  } catch (error) {
    deps.logger.warn('Could not read the rep’s Slack profile; keeping the stored one', { tenantId, error });
  }
}
