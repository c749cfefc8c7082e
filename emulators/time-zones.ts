/** IANA time-zone facts via Intl, so emulators answer with real offsets (DST included). */

/** Seconds east of UTC in `timeZone` at `at`, e.g. -25200 for Los Angeles in summer. Throws RangeError for an unknown zone. */
export function timeZoneOffsetSeconds(timeZone: string, at: Date = new Date()): number {
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(timeZoneName(timeZone, 'longOffset', at));
  if (!offset) return 0; // Intl prints plain "GMT" for UTC itself.
  return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60);
}

/** Long display name, e.g. "Pacific Daylight Time". */
export function timeZoneLabel(timeZone: string, at: Date = new Date()): string {
  return timeZoneName(timeZone, 'long', at);
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    timeZoneName(timeZone, 'long', new Date());
    return true;
  } catch {
    return false;
  }
}

function timeZoneName(timeZone: string, style: 'longOffset' | 'long', at: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: style }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? '';
}
