import assert from 'node:assert/strict';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';

/** The card's pause before trying again on its own takes minutes: this test skips time. */
const server = 'undelivered-card';

describe('meeting workflow (time-skipping): a card Slack does not take', function () {
  // A time-skipping server of its own starts first, which takes a while on a busy machine.
  this.timeout(120_000);
  it('tells the rep once, marks the meeting, and delivers the card on its own once Slack is back', () =>
    withStubbedMeeting({ server, scenario: { cardRefusals: 1 } }, async (meeting) => {
      const marked = await meeting.stateWhen('the meeting marked', (state) => !!state.cardFailure);
      assert.equal(marked.cardFailure?.kind, 'retryable');
      await waitFor('the rep told', () => meeting.services.undeliveredCardNotices.length === 1);
      assert.equal(meeting.services.undeliveredCardNotices[0]!.cardPosted, false);

      // No newer state needs a card, yet the card goes out after the pause (a Slack outage ends unnoticed).
      await meeting.skipTime(3 * 60_000);
      const delivered = await meeting.stateWhen('the card delivered and the mark cleared', (state) => !!state.card && !state.cardFailure);
      assert.equal(delivered.status, 'awaiting-rep');
      assert.equal(meeting.services.lastCard()?.status, 'awaiting-rep', 'the card shows the current state');
      assert.equal(meeting.services.undeliveredCardNotices.length, 1, 'one notice for the episode');
    }));
});
