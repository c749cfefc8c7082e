import assert from 'node:assert/strict';
import type { CrmProviderName } from '../../domain/crm';
import { cardActions } from '../../slack/action-ids';
import { statusQuery } from '../../workflows/messages';
import { cardButtons, cardText } from '../support/card';
import { salesChannel } from '../support/meeting-flow';
import { startProductHarness, type CrmEmulatorSet, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

/** What the test needs of one CRM's emulator: seed an account, read the notes back. */
interface CrmUnderTest {
  addAccount(crm: CrmEmulatorSet, name: string, website: string): string;
  notes(crm: CrmEmulatorSet): { accountId: string | undefined }[];
}

const crms: Record<CrmProviderName, CrmUnderTest> = {
  hubspot: {
    addAccount: (crm, name, website) => crm.hubspot.addCompany({ name, domain: website }),
    notes: (crm) => crm.hubspot.notes().map((note) => ({ accountId: note.companyIds.length === 1 ? note.companyIds[0] : undefined })),
  },
  salesforce: {
    addAccount: (crm, name, website) => crm.salesforce.addAccount({ name, website: `https://www.${website}/` }),
    notes: (crm) => crm.salesforce.notes().map((note) => ({ accountId: note.accountId ?? undefined })),
  },
  pipedrive: {
    addAccount: (crm, name, website) => String(crm.pipedrive.addOrganization({ name, website: `https://${website}` })),
    notes: (crm) => crm.pipedrive.notes().map((note) => ({ accountId: note.org_id === null ? undefined : String(note.org_id) })),
  },
  crono: {
    addAccount: (crm, name, website) => crm.crono.addAccount({ name, website: `www.${website}` }),
    notes: (crm) => crm.crono.notes().map((note) => ({ accountId: note.accountId })),
  },
};

describe('one meeting end to end, with each CRM', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  for (const [provider, crm] of Object.entries(crms) as [CrmProviderName, CrmUnderTest][]) {
    it(`${provider}: /followup and one click make exactly one note on the matched account and update the card`, async () => {
      const seeded = await harness.seedTenant({ crm: provider });
      const emulators = harness.emulators;
      crm.addAccount(emulators, 'Other Corp', 'other.com');
      const clientAccountId = crm.addAccount(emulators, 'Client Inc', 'client.com');
      // Each provider gets its own channel: the card is found there, not among earlier providers' cards.
      const channelId = `${salesChannel}${provider.toUpperCase()}`;
      emulators.slack.addChannel({ id: channelId, teamId: seeded.teamId, name: `sales-${provider}`, botIsMember: true, memberIds: [seeded.rep.slackUserId] });

      const meeting = harness.addFathomMeeting(seeded);
      const recordingId = String(meeting.recording_id);
      const command = await harness.slashCommand(seeded, meeting.url, { channelId });
      assert.equal(command.status, 200);
      await waitFor('the card with a Log to CRM button', () => cardButtons(emulators.slack, channelId).includes(cardActions.logNote));
      assert.match(cardText(emulators.slack, channelId), /Client Inc/);

      const click = await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
      assert.equal(click.status, 200);

      await waitFor(`one note in ${provider}`, () => crm.notes(emulators).length === 1);
      await waitFor('the card showing the logged note', () => /CRM note: .*Note on Client Inc/.test(cardText(emulators.slack, channelId)));
      assert.deepEqual(crm.notes(emulators), [{ accountId: clientAccountId }], 'one note, on the matched account');
      const state = await harness.client.workflow.getHandle(harness.workflowId(seeded, recordingId)).query(statusQuery);
      assert.equal(state.crm.provider, provider);
      assert.equal(state.actions.note.status, 'done');
    });
  }
});
