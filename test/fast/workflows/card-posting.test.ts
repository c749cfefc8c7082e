import assert from 'node:assert/strict';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';

const server = 'card posting';

describe('meeting workflow (time-skipping): when the card is first posted', function () {
  this.timeout(120_000);

  it('a recording Fathom sent on its own posts its card once it is ready: no "preparing" placeholder the rep cannot act on', () =>
    withStubbedMeeting({ server, trigger: 'fathom-webhook' }, async (meeting) => {
      await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.deepEqual(meeting.services.cards.map((shown) => shown.status), ['awaiting-rep']);
    }));

  it('a rep’s /followup shows the placeholder at once, then the prepared card', () =>
    withStubbedMeeting({ server, trigger: 'slack-command' }, async (meeting) => {
      await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.deepEqual(meeting.services.cards.map((shown) => shown.status), ['preparing', 'awaiting-rep']);
    }));

  it('an internal recording Fathom sent on its own still reaches the rep, asking whether to prepare it anyway', () =>
    withStubbedMeeting({ server, trigger: 'fathom-webhook', scenario: { internalOnly: true } }, async (meeting) => {
      await waitFor('the card asking whether to process an internal meeting', () => meeting.services.cards.find((shown) => shown.status === 'skipped-internal'));
      assert.deepEqual(meeting.services.cards.map((shown) => shown.status), ['skipped-internal']);
    }));
});
