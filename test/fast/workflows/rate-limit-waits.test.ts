import assert from 'node:assert/strict';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';

const server = 'rate-limit waits';
const minute = 60_000;

describe('meeting workflow (time-skipping): waiting for a rate-limit turn', function () {
  this.timeout(120_000);

  it('prepares the card after more rate-limit deferrals than loading a meeting has attempts, each turn waited out', () =>
    // Loading retries 20 times at most; a burst of meetings on one Fathom account can defer it more often.
    withStubbedMeeting({ server, scenario: { loadDeferrals: 30 } }, async (meeting) => {
      // 30 turns 45 s apart: the clock skips through the timers the workflow waits on.
      await meeting.skipTime(30 * minute);
      const card = await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.equal(card.facts?.title, 'Acme discovery call');
      assert.equal(meeting.services.loadAttempts, 31, 'every deferral came back for its turn, then the meeting loaded');
      assert.deepEqual([...new Set(meeting.services.cards.map((shown) => shown.status))], ['preparing', 'awaiting-rep'], 'no failure reached the rep');
    }));
});
