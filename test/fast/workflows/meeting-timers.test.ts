import assert from 'node:assert/strict';
import { defaultTenantSettings } from '../../../entities/tenant';
import { logNoteUpdate, statusQuery } from '../../../workflows/messages';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting, type StubbedMeeting } from '../support/stubbed-meeting';

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;

function cardPublished(meeting: StubbedMeeting): Promise<boolean> {
  return waitFor('the prepared card', () => meeting.services.cards.some((card) => card.status === 'awaiting-rep'));
}

/** Reminder and expiry tests skip time: they get a server of their own. */
const server = 'reminders';

/** How long the meeting stayed open, in the test server's (skipped) time. */
async function openFor(meeting: StubbedMeeting): Promise<number> {
  const { startTime, closeTime } = await meeting.handle.describe();
  assert.ok(closeTime, 'the meeting is closed');
  return closeTime.getTime() - startTime.getTime();
}

/** The test server skips time instead of letting it pass: days of waiting take milliseconds. */
describe('meeting workflow (time-skipping): reminder and expiry', function () {
  it('nudges the rep once after the tenant’s default 24 h, then expires after its default 7 days', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      assert.equal(defaultTenantSettings.nudgeAfterHours, 24);
      assert.equal(defaultTenantSettings.expireAfterDays, 7);
      await cardPublished(meeting);

      await meeting.skipTime(24 * hour - minute);
      assert.equal(meeting.services.nudges.length, 0, 'no reminder before 24 h');
      await meeting.skipTime(2 * minute);
      await waitFor('the reminder', () => meeting.services.nudges.length === 1);
      assert.deepEqual(meeting.services.nudges[0]!.card, { channel: 'C-sales', ts: '1700000000.000100' }, 'in the card’s thread');

      await meeting.skipTime(6 * day - 2 * hour);
      assert.equal((await meeting.handle.query(statusQuery)).status, 'awaiting-rep', 'still open shortly before 7 days');
      const result = await meeting.result();
      assert.equal(result.status, 'expired');
      const expiredAfter = await openFor(meeting);
      assert.ok(expiredAfter >= 7 * day && expiredAfter < 7 * day + hour, `expired after 7 days (took ${expiredAfter / hour} h)`);
      assert.equal(meeting.services.nudges.length, 1, 'only one reminder');
      assert.equal(meeting.services.lastCard()?.status, 'expired', 'the card says it expired');
    }));

  it('follows the tenant’s own delays', () =>
    withStubbedMeeting(
      { server, settings: { ...defaultTenantSettings, nudgeAfterHours: 4, expireAfterDays: 2 } },
      async (meeting) => {
        await cardPublished(meeting);
        await meeting.skipTime(3 * hour);
        assert.equal(meeting.services.nudges.length, 0);
        await meeting.skipTime(2 * hour);
        await waitFor('the reminder after 4 h', () => meeting.services.nudges.length === 1);

        const result = await meeting.result();
        assert.equal(result.status, 'expired');
        const expiredAfter = await openFor(meeting);
        assert.ok(expiredAfter >= 2 * day && expiredAfter < 2 * day + hour, `expired after 2 days (took ${expiredAfter / hour} h)`);
      },
    ));

  it('does not nudge a rep who already acted on the card', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await cardPublished(meeting);
      await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      const result = await meeting.result();
      assert.equal(result.status, 'expired');
      assert.equal(meeting.services.nudges.length, 0);
    }));

  it('keeps the meeting open when the reminder cannot be delivered', () =>
    withStubbedMeeting({ server, scenario: { nudgeFails: true } }, async (meeting) => {
      await cardPublished(meeting);
      await meeting.skipTime(25 * hour);
      const state = await meeting.stateWhen('the failed reminder behind it', (current) => current.nudged);
      assert.equal(state.status, 'awaiting-rep', 'the card still offers its actions');

      const note = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(note.status, 'done', 'the rep can still log the note');
      const result = await meeting.result();
      assert.equal(result.status, 'expired', 'the meeting ends normally, not as a failed workflow');
      assert.equal(meeting.services.lastCard()?.status, 'expired');
    }));
});
