import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { assertSlackPayloadsWithinLimits, blockKitViolations } from '../support/block-kit-limits';
import { cardButtons, cardText } from '../support/card';
import { salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { homeOpened, postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('Block Kit limits of everything sent to Slack', function () {
  this.timeout(180_000);

  describe('the limits check itself', () => {
    const text = (length: number) => ({ type: 'plain_text', text: 'x'.repeat(length) });
    const button = (overrides: Record<string, unknown> = {}) => ({ type: 'button', action_id: 'a', text: text(10), value: 'v', ...overrides });

    it('accepts a payload at the limits', () => {
      const blocks = [
        { type: 'header', text: text(150) },
        { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3000) }, fields: Array.from({ length: 10 }, () => text(2000)) },
        { type: 'actions', block_id: 'b'.repeat(255), elements: Array.from({ length: 25 }, () => button({ text: text(75), value: 'v'.repeat(2000), action_id: 'a'.repeat(255) })) },
        { type: 'context', elements: Array.from({ length: 10 }, () => text(20)) },
        ...Array.from({ length: 46 }, () => ({ type: 'divider' })),
      ];
      assert.deepEqual(blockKitViolations('message', { text: 'fallback', blocks }), []);
    });

    it('reports each limit a payload breaks', () => {
      const options = Array.from({ length: 101 }, (_, index) => ({ text: text(index === 0 ? 76 : 5), value: index === 1 ? 'v'.repeat(151) : 'v' }));
      const view = {
        type: 'modal',
        title: text(25),
        blocks: [
          { type: 'header', text: text(151) },
          { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) }, accessory: button({ text: text(76) }) },
          { type: 'actions', elements: Array.from({ length: 26 }, () => button()) },
          { type: 'actions', elements: [button({ value: 'v'.repeat(2001), action_id: 'a'.repeat(256) })] },
          { type: 'context', elements: Array.from({ length: 11 }, () => text(1)) },
          { type: 'input', block_id: 'b'.repeat(256), label: text(5), element: { type: 'static_select', action_id: 'pick', options } },
          ...Array.from({ length: 95 }, () => ({ type: 'divider' })),
        ],
      };
      const problems = blockKitViolations('view', view).join('\n');
      for (const expected of [
        /\/title longer than 24/,
        /has 101 blocks \(max 100\)/,
        /\/blocks\/0\/text longer than 150/,
        /\/blocks\/1\/text longer than 3000/,
        /\/blocks\/1\/accessory\/text longer than 75/,
        /\/blocks\/2\/elements has 26 items \(max 25\)/,
        /\/blocks\/3\/elements\/0\/value longer than 2000/,
        /\/blocks\/3\/elements\/0\/action_id longer than 255/,
        /\/blocks\/4\/elements has 11 items \(max 10\)/,
        /\/blocks\/5\/block_id longer than 255/,
        /\/blocks\/5\/element\/options has 101 items \(max 100\)/,
        /\/blocks\/5\/element\/options\/0\/text longer than 75/,
        /\/blocks\/5\/element\/options\/1\/value longer than 150/,
      ]) {
        assert.match(problems, expected);
      }
      assert.match(blockKitViolations('message', { blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }).join('\n'), /max 50/);
    });
  });

  describe('a 2-hour meeting through the whole Slack surface', () => {
    let harness: ProductHarness;
    let seeded: SeededTenant;

    before(async () => {
      harness = await startProductHarness();
      harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
      seeded = await harness.seedTenant();
    });
    after(async () => harness?.close());

    it('keeps every message, modal and Home tab within the limits', async () => {
      const slack = harness.emulators.slack;
      const meeting = harness.addFathomMeeting(seeded, { title: `Two-hour workshop ${'on rollout, security, pricing and integrations '.repeat(6)}` }, { transcriptLines: 1440 });
      const recordingId = String(meeting.recording_id);
      assert.equal((await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel })).status, 200);
      await waitFor('the card of the 2-hour meeting', () => cardButtons(slack, salesChannel).includes(cardActions.logNote), 60_000);

      await harness.click(seeded, { actionId: cardActions.edit, value: recordingId });
      await waitFor('the edit modal', () => slack.calls('views.open').length === 1);
      await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
      await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
      await waitFor('the note and the draft on the card', () => /CRM note: .*Note on Client Inc/.test(cardText(slack, salesChannel)) && harness.emulators.google.drafts().length === 1);

      await postSlackEvent(harness, seeded.teamId, homeOpened(seeded.rep.slackUserId));
      await waitFor('the Home tab', () => slack.homeViews(seeded.rep.slackUserId).length === 1);
      await harness.slashCommand(seeded, '');
      await waitFor('the filled-in meeting picker', () => slack.calls('views.update').length === 1);

      const checked = assertSlackPayloadsWithinLimits(slack);
      assert.ok(slack.calls('chat.postMessage').length >= 1 && slack.calls('chat.update').length >= 2, 'the card was posted and updated');
      assert.ok(checked >= 7, `checked ${checked} payloads`);
    });
  });
});
