import { addLocalDays, formatLocalDateTime, isWeekend, parseLocalDateTime, toInstant, toLocalDateTime, type LocalDateTime } from '../../domain/zoned-time';

/**
 * When to put the follow-up meeting, as a local `YYYY-MM-DDTHH:mm` in the rep's zone. The old
 * bot resolved "next Tuesday" against the server's today and could book in the past; this never
 * returns a past time, and only an explicitly agreed time may fall on a weekend.
 */
export interface FollowUpStartInput {
  /** Local date-time the parties agreed on (`YYYY-MM-DDTHH:mm`); ignored when malformed. */
  agreedLocalDateTime?: string;
  /** ISO instant the recorded meeting started. */
  meetingStartedAt: string;
  /** The rep's IANA zone, e.g. Europe/Rome. */
  timeZone: string;
  now: Date;
  /** Hour used when neither the agreement nor the meeting gives a usable time; 10 by default. */
  defaultHour?: number;
}

export function resolveFollowUpStart(input: FollowUpStartInput): string {
  const { timeZone, now } = input;
  const defaultHour = input.defaultHour ?? 10;
  if (!Number.isInteger(defaultHour) || defaultHour < 0 || defaultHour > 23) {
    throw new RangeError(`defaultHour must be an hour of the day, got ${defaultHour}`);
  }
  const meetingStart = new Date(input.meetingStartedAt);
  if (Number.isNaN(meetingStart.getTime())) {
    throw new RangeError(`meetingStartedAt is not an ISO date-time: ${input.meetingStartedAt}`);
  }
  // Round-tripping through the instant also moves a time inside a DST gap to one that exists.
  const existing = (local: LocalDateTime) => toLocalDateTime(toInstant(local, timeZone), timeZone);
  const isFuture = (local: LocalDateTime) => toInstant(local, timeZone).getTime() > now.getTime();

  const agreed = input.agreedLocalDateTime ? parseLocalDateTime(input.agreedLocalDateTime) : null;
  if (agreed && isFuture(agreed)) return formatLocalDateTime(existing(agreed));

  // Same wall-clock time a week later (civil days, so a DST change does not shift the hour).
  let weekAfterMeeting = addLocalDays(toLocalDateTime(meetingStart, timeZone), 7);
  while (isWeekend(weekAfterMeeting)) weekAfterMeeting = addLocalDays(weekAfterMeeting, 1);
  if (isFuture(weekAfterMeeting)) return formatLocalDateTime(existing(weekAfterMeeting));

  // The meeting is over a week old: the next working day, giving the guests at least a day's notice.
  let nextWorkingDay: LocalDateTime = { ...toLocalDateTime(now, timeZone), hour: defaultHour, minute: 0 };
  do nextWorkingDay = addLocalDays(nextWorkingDay, 1);
  while (isWeekend(nextWorkingDay));
  return formatLocalDateTime(existing(nextWorkingDay));
}
