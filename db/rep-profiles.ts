/**
 * Keeps a rep's Slack profile (zone, locale, name) on their row. Both the API (install, first
 * connect, the meeting picker) and the worker (a meeting starting) refresh it through here.
 */
import { repProfileIsStale, type RepProfile } from '../domain/rep-profile';
import { User } from '../entities';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

/**
 * Reads the profile with `readProfile` when the rep's row has none or a day-old one, and stores
 * it; a field Slack left empty keeps its stored value. Returns the rep's row (null when the rep
 * has none). Slack is asked outside any transaction, so the database never waits on it.
 */
export async function refreshStaleRepProfile(
  orm: Orm,
  tenantId: string,
  slackUserId: string,
  readProfile: () => Promise<RepProfile>,
  now: Date,
): Promise<User | null> {
  const rep = await inTenant(orm, tenantId, (em) => em.findOne(User, { slackUserId }));
  return refreshStaleProfileOf(orm, rep, readProfile, now);
}

/** refreshStaleRepProfile for a rep row the caller has just read. */
export async function refreshStaleProfileOf(orm: Orm, rep: User | null, readProfile: () => Promise<RepProfile>, now: Date): Promise<User | null> {
  if (!rep || !repProfileIsStale(rep.profileRefreshedAt, now)) return rep;
  const profile = await readProfile();
  return inTenant(orm, rep.tenantId, async (em) => {
    const stored = await em.findOneOrFail(User, { id: rep.id });
    stored.timeZone = profile.timeZone ?? stored.timeZone;
    stored.locale = profile.locale ?? stored.locale;
    stored.fullName = profile.name ?? stored.fullName;
    stored.profileRefreshedAt = now;
    return stored;
  });
}
