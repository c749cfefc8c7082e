/**
 * Wall-clock time in an IANA zone, using only Intl (no tz library). Google Calendar takes a
 * local date-time plus a zone; we still need real instants to tell "in the past" apart and to
 * add a duration across a DST change.
 */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const localDateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses `YYYY-MM-DDTHH:mm` (seconds allowed and dropped); null when malformed or impossible. */
export function parseLocalDateTime(value: string): LocalDateTime | null {
  const match = localDateTimePattern.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const civil = new Date(Date.UTC(year, month - 1, day));
  const sameDate = civil.getUTCFullYear() === year && civil.getUTCMonth() === month - 1 && civil.getUTCDate() === day;
  if (!sameDate || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}

export function formatLocalDateTime(local: LocalDateTime): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}`;
}

const dayMs = 24 * 60 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone, which is what callers want to hear about.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timeZone` at `instant` (seconds dropped). */
export function toLocalDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** `YYYY-MM-DD HH:mm` on the wall clock of `timeZone` at `instant`, as a rep reads a meeting's time. */
export function formatInstantInZone(instant: Date, timeZone: string): string {
  return formatLocalDateTime(toLocalDateTime(instant, timeZone)).replace('T', ' ');
}

/** Minutes the zone is ahead of UTC at `epochMs`. */
function offsetMinutesAt(epochMs: number, timeZone: string): number {
  const local = toLocalDateTime(new Date(epochMs), timeZone);
  const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const wholeMinute = Math.floor(epochMs / 60_000) * 60_000;
  return (localAsUtc - wholeMinute) / 60_000;
}

/**
 * The instant a wall-clock time denotes in `timeZone`. A time skipped by a spring-forward gap
 * moves forward by the gap (02:30 → 03:30); a time repeated in autumn resolves to its first
 * occurrence. Assumes at most one offset change within a day either side, true of real zones.
 */
export function toInstant(local: LocalDateTime, timeZone: string): Date {
  const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offsetBefore = offsetMinutesAt(localAsUtc - dayMs, timeZone);
  const offsetAfter = offsetMinutesAt(localAsUtc + dayMs, timeZone);
  const matching = [offsetBefore, offsetAfter]
    .map((offset) => localAsUtc - offset * 60_000)
    .filter((epochMs) => offsetMinutesAt(epochMs, timeZone) * 60_000 === localAsUtc - epochMs);
  // No match means the time fell into a gap: reading it with the pre-gap offset lands after it.
  return new Date(matching.length > 0 ? Math.min(...matching) : localAsUtc - offsetBefore * 60_000);
}

/** Moves a civil date by whole days, keeping the wall-clock time (so DST does not shift it). */
export function addLocalDays(local: LocalDateTime, days: number): LocalDateTime {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** True for Saturday and Sunday of the civil date. */
export function isWeekend(local: LocalDateTime): boolean {
  const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}
