import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { cardButtons } from '../support/card';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('/followup in a channel the app was not invited to', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness();
    seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => harness?.close());

  async function followupIn(channelId: string): Promise<string> {
    const meeting = harness.addFathomMeeting(seeded);
    const command = await harness.slashCommand(seeded, meeting.url, { channelId });
    assert.equal(command.status, 200);
    return ((await command.json()) as { text: string }).text;
  }

  it('posts the card in a public channel, as the install asks for chat:write.public', async () => {
    harness.emulators.slack.addChannel({ id: 'C0GENERAL', teamId: seeded.teamId, name: 'general', memberIds: [seeded.rep.slackUserId] });
    await followupIn('C0GENERAL');
    await waitFor('the card in #general', () => cardButtons(harness.emulators.slack, 'C0GENERAL').includes(cardActions.logNote));
  });

  it('sends the card to the rep’s DM when the channel is private or archived, and says so', async () => {
    const slack = harness.emulators.slack;
    slack.addChannel({ id: 'G0DEALROOM', teamId: seeded.teamId, name: 'deal-room', isPrivate: true, memberIds: [seeded.rep.slackUserId] });
    slack.addChannel({ id: 'C0OLDSALES', teamId: seeded.teamId, name: 'old-sales', isArchived: true, botIsMember: true, memberIds: [seeded.rep.slackUserId] });
    const dm = slack.directMessageChannel(seeded.rep.slackUserId);
    const cardsInDm = () => slack.messages(dm).filter((message) => !message.thread_ts && JSON.stringify(message.blocks ?? []).includes(cardActions.logNote)).length;

    assert.match(await followupIn('G0DEALROOM'), /in your DM with me if I can’t post in this channel/);
    await waitFor('the private channel’s card in the rep’s DM', () => cardsInDm() === 1);
    await followupIn('C0OLDSALES');
    await waitFor('the archived channel’s card in the rep’s DM', () => cardsInDm() === 2);
    assert.deepEqual(slack.messages('G0DEALROOM'), []);
    assert.deepEqual(slack.messages('C0OLDSALES'), []);
  });
});
