import type { WebClient } from '@slack/web-api';
import type { RepProfile } from '../domain/rep-profile';
import { callSlack } from './slack-client';

/** The rep's zone, locale and name from users.info (needs users:read; the locale only with include_locale). */
export async function readRepProfile(slack: WebClient, slackUserId: string): Promise<RepProfile> {
  const { user } = await callSlack(() => slack.users.info({ user: slackUserId, include_locale: true }));
  const name = user?.real_name?.trim() || user?.profile?.real_name?.trim() || user?.profile?.display_name?.trim() || null;
  return { timeZone: knownTimeZone(user?.tz), locale: user?.locale?.trim() || null, name };
}

/** A zone this runtime can compute in; anything else would break every date built from it. */
function knownTimeZone(zone: string | undefined): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}
