import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { cardButtons, cardText } from '../support/card';
import { salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const dayMs = 86_400_000;
const meetingsPath = /^\/external\/v1\/meetings$/;

describe('a follow-up for an older meeting, deep in the rep’s Fathom list', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  it('finds the meeting past the first pages of /meetings and prepares its card', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const recordedDaysAgo = (days: number, title: string) => {
      const start = new Date(Date.now() - days * dayMs);
      const end = new Date(start.getTime() + 30 * 60_000);
      return harness.addFathomMeeting(seeded, {
        title,
        created_at: new Date(end.getTime() + 90_000).toISOString(),
        scheduled_start_time: start.toISOString(),
        scheduled_end_time: end.toISOString(),
        recording_start_time: start.toISOString(),
        recording_end_time: end.toISOString(),
      });
    };
    // The emulator lists 10 per page, newest first: a week's worth of recent calls fills the
    // first page and more, and ten calls between two and three weeks ago sit in front of the old one.
    for (let day = 1; day <= 12; day += 1) recordedDaysAgo(day, `Recent call ${day}`);
    for (let day = 15; day <= 24; day += 1) recordedDaysAgo(day, `Earlier call ${day}`);
    const old = recordedDaysAgo(25, 'Quarterly review with Client Inc');

    const command = await harness.slashCommand(seeded, old.url, { channelId: salesChannel });
    assert.equal(command.status, 200);
    await waitFor('the card of the old meeting', () => cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.logNote), 60_000);
    assert.match(cardText(harness.emulators.slack, salesChannel), /Quarterly review with Client Inc/);

    const listCalls = harness.emulators.fathom.requestsTo('GET', meetingsPath);
    assert.ok(listCalls.some((request) => request.query.has('cursor')), 'the search went past the first page');
  });
});
