import assert from 'node:assert/strict';
import { resolveFollowUpStart } from '../../clients/google/calendar-events';
import { isWeekend, parseLocalDateTime, toInstant } from '../../domain/zoned-time';

const rome = 'Europe/Rome';
const losAngeles = 'America/Los_Angeles';

describe('resolveFollowUpStart', () => {
  describe('an agreed time', () => {
    const meetingStartedAt = '2026-11-20T14:00:00Z'; // Friday 15:00 in Rome

    it('is used as agreed when it is in the future, even on a weekend', () => {
      const now = new Date('2026-11-21T10:00:00Z');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-12-03T15:00', meetingStartedAt, timeZone: rome, now }), '2026-12-03T15:00');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-11-28T11:00', meetingStartedAt, timeZone: rome, now }), '2026-11-28T11:00');
    });

    it('is dropped when already past, falling back to a week after the meeting', () => {
      const now = new Date('2026-11-21T10:00:00Z');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-11-19T10:00', meetingStartedAt, timeZone: rome, now }), '2026-11-27T15:00');
    });

    it('is dropped when it was earlier today in the rep’s zone', () => {
      const now = new Date('2026-11-27T14:30:00Z'); // 15:30 in Rome, after the week-later slot too
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-11-27T15:00', meetingStartedAt, timeZone: rome, now }), '2026-11-30T10:00');
    });

    it('is ignored when it is not a local date-time', () => {
      const now = new Date('2026-11-21T10:00:00Z');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: 'next Tuesday', meetingStartedAt, timeZone: rome, now }), '2026-11-27T15:00');
    });

    it('moves out of a spring-forward gap instead of naming a time that does not exist', () => {
      const now = new Date('2026-03-01T00:00:00Z');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-03-29T02:30', meetingStartedAt, timeZone: rome, now }), '2026-03-29T03:30');
      assert.equal(resolveFollowUpStart({ agreedLocalDateTime: '2026-03-08T02:30', meetingStartedAt, timeZone: losAngeles, now }), '2026-03-08T03:30');
    });
  });

  describe('a week after the meeting', () => {
    it('keeps the local time of day across the spring DST change (Europe/Rome)', () => {
      // 09:30 CET on Tuesday; a week later Rome is on CEST, so 09:30 is 07:30Z, not 08:30Z.
      const start = resolveFollowUpStart({ meetingStartedAt: '2026-03-24T08:30:00Z', timeZone: rome, now: new Date('2026-03-25T00:00:00Z') });
      assert.equal(start, '2026-03-31T09:30');
      assert.equal(toInstant(parseLocalDateTime(start)!, rome).toISOString(), '2026-03-31T07:30:00.000Z');
    });

    it('keeps the local time of day across the spring DST change (America/Los_Angeles)', () => {
      assert.equal(resolveFollowUpStart({ meetingStartedAt: '2026-03-05T22:00:00Z', timeZone: losAngeles, now: new Date('2026-03-06T00:00:00Z') }), '2026-03-12T14:00');
    });

    it('keeps the local time of day across the autumn DST change', () => {
      assert.equal(resolveFollowUpStart({ meetingStartedAt: '2026-10-22T14:00:00Z', timeZone: rome, now: new Date('2026-10-23T00:00:00Z') }), '2026-10-29T16:00');
    });

    it('counts the week from the meeting’s date in the rep’s zone, not in UTC', () => {
      // Friday 07:00Z is still Thursday 23:00 in Los Angeles.
      assert.equal(resolveFollowUpStart({ meetingStartedAt: '2026-03-06T07:00:00Z', timeZone: losAngeles, now: new Date('2026-03-06T08:00:00Z') }), '2026-03-12T23:00');
    });

    it('moves a weekend meeting’s follow-up to the Monday after', () => {
      assert.equal(resolveFollowUpStart({ meetingStartedAt: '2026-11-07T10:00:00Z', timeZone: rome, now: new Date('2026-11-08T00:00:00Z') }), '2026-11-16T11:00');
    });
  });

  describe('when the meeting is more than a week old', () => {
    const meetingStartedAt = '2026-11-02T09:00:00Z';

    it('takes the next working day at 10:00, skipping the weekend', () => {
      assert.equal(resolveFollowUpStart({ meetingStartedAt, timeZone: rome, now: new Date('2026-11-20T14:00:00Z') }), '2026-11-23T10:00');
      assert.equal(resolveFollowUpStart({ meetingStartedAt, timeZone: rome, now: new Date('2026-11-21T09:00:00Z') }), '2026-11-23T10:00');
    });

    it('never books the same day, leaving the guests a day’s notice', () => {
      assert.equal(resolveFollowUpStart({ meetingStartedAt, timeZone: rome, now: new Date('2026-11-23T05:00:00Z') }), '2026-11-24T10:00');
    });

    it('reads "today" in the rep’s zone', () => {
      const now = new Date('2026-11-19T23:30:00Z'); // Friday 00:30 in Rome, Thursday 15:30 in Los Angeles
      assert.equal(resolveFollowUpStart({ meetingStartedAt, timeZone: rome, now }), '2026-11-23T10:00');
      assert.equal(resolveFollowUpStart({ meetingStartedAt, timeZone: losAngeles, now }), '2026-11-20T10:00');
    });

    it('lands on the right instant after a DST change and honours defaultHour', () => {
      const start = resolveFollowUpStart({ meetingStartedAt: '2026-10-01T09:00:00Z', timeZone: rome, now: new Date('2026-10-23T12:00:00Z'), defaultHour: 9 });
      assert.equal(start, '2026-10-26T09:00');
      assert.equal(toInstant(parseLocalDateTime(start)!, rome).toISOString(), '2026-10-26T08:00:00.000Z');
    });
  });

  it('is never in the past and, unless agreed, never on a weekend', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const zones = [rome, losAngeles, 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];
    for (let sample = 0; sample < 500; sample += 1) {
      const now = new Date(Date.UTC(2026, 0, 1) + random() * 365 * 86_400_000);
      const meetingStartedAt = new Date(now.getTime() - random() * 20 * 86_400_000).toISOString();
      const timeZone = zones[sample % zones.length]!;
      const start = parseLocalDateTime(resolveFollowUpStart({ meetingStartedAt, timeZone, now }))!;
      assert.ok(toInstant(start, timeZone) > now, `${JSON.stringify(start)} ${timeZone} is after ${now.toISOString()}`);
      assert.ok(!isWeekend(start), `${JSON.stringify(start)} is a weekday`);
    }
  });

  it('rejects a meeting start that is not a date', () => {
    assert.throws(() => resolveFollowUpStart({ meetingStartedAt: 'yesterday', timeZone: rome, now: new Date() }), RangeError);
  });
});
