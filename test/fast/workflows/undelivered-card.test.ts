import assert from 'node:assert/strict';
import type { temporal } from '@temporalio/proto';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';

/** The card's pause before trying again on its own takes minutes: this test skips time. */
const server = 'undelivered-card';

/** Every MeetingStatus the workflow upserted, in order (search attributes are not encrypted). */
function meetingStatusesUpserted(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((event) => {
    const data = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.MeetingStatus?.data;
    return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as string] : [];
  });
}

describe('meeting workflow (time-skipping): a card Slack does not take', function () {
  // A time-skipping server of its own starts first, which takes a while on a busy machine.
  this.timeout(120_000);
  it('tells the rep once, marks the meeting, and delivers the card on its own once Slack is back', () =>
    withStubbedMeeting({ server, scenario: { cardRefusals: 1 } }, async (meeting) => {
      // Read from what the workflow did (the notice, its history), not from a state the next timer may already have moved on from.
      const notice = await waitFor('the rep told', () => meeting.services.undeliveredCardNotices[0]);
      assert.equal(notice.cardPosted, false);
      assert.equal(notice.failure.kind, 'retryable');
      await waitFor('the meeting marked needs-attention', async () => meetingStatusesUpserted(await meeting.handle.fetchHistory()).includes('needs-attention'));

      // No newer state needs a card, yet the card goes out after the pause (a Slack outage ends unnoticed).
      await meeting.skipTime(3 * 60_000);
      const delivered = await meeting.stateWhen('the card delivered and the mark cleared', (state) => !!state.card && !state.cardFailure);
      assert.equal(delivered.status, 'awaiting-rep');
      assert.equal(meeting.services.lastCard()?.status, 'awaiting-rep', 'the card shows the current state');
      assert.equal(meeting.services.undeliveredCardNotices.length, 1, 'one notice for the episode');
      assert.equal(meetingStatusesUpserted(await meeting.handle.fetchHistory()).at(-1), 'awaiting-rep', 'the mark is cleared');
    }));
});
