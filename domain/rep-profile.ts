/**
 * What Slack says about a rep (users.info): their zone, language and name. Kept on the rep's row
 * and read again once it is a day old, so a rep who travels or renames is followed.
 */
export interface RepProfile {
  /** IANA zone, e.g. `Europe/Rome`; null when Slack gave none. */
  timeZone: string | null;
  /** Slack's locale, e.g. `it-IT`; null when Slack gave none. */
  locale: string | null;
  /** The name to sign with: Slack's real name, or the display name when the real name is empty. */
  name: string | null;
}

const repProfileMaxAgeMs = 24 * 60 * 60 * 1000;

/** True when the profile was never read, or was read more than a day before `now`. */
export function repProfileIsStale(refreshedAt: Date | null | undefined, now: Date): boolean {
  return !refreshedAt || now.getTime() - refreshedAt.getTime() > repProfileMaxAgeMs;
}
