/** Minutes the zone is ahead of UTC at that instant (DST-aware, via Intl). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** "2026-12-03T09:00" in `timeZone` → the UTC instant as ISO 8601. */
export function localDateTimeToIso(localDateTime: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(localDateTime);
  if (!match) throw new Error(`Not a local date-time: ${localDateTime}`);
  const [, year, month, day, hour, minute] = match.map(Number) as number[];
  const wallClockAsUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!);
  // Two passes: the offset at the guessed instant can differ from the offset at the answer near a DST change.
  let utc = wallClockAsUtc - zoneOffsetMinutes(new Date(wallClockAsUtc), timeZone) * 60_000;
  utc = wallClockAsUtc - zoneOffsetMinutes(new Date(utc), timeZone) * 60_000;
  return new Date(utc).toISOString();
}
