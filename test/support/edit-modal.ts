import { randomUUID } from 'node:crypto';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { editModalFields, modalCallbacks } from '../../slack/action-ids';
import type { ProductHarness, SeededTenant } from './product-harness';

/** The rep saves the "edit texts" modal of a meeting's card, as Slack posts the submission. */
export function submitEditTexts(harness: ProductHarness, seeded: SeededTenant, recordingId: string, values: { summary: string; crmNote: string }) {
  const field = (name: keyof typeof editModalFields, value: string) => ({
    [editModalFields[name].block]: { [editModalFields[name].action]: { type: 'plain_text_input', value } },
  });
  const payload = {
    type: 'view_submission',
    team: { id: seeded.teamId },
    user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
    view: {
      id: `V${randomUUID().slice(0, 8)}`,
      callback_id: modalCallbacks.editTexts,
      private_metadata: recordingId,
      state: {
        values: {
          ...field('summary', values.summary),
          ...field('emailSubject', 'Next steps for Client Inc'),
          ...field('emailBody', 'Hi John,\n\nThanks for your time today.'),
          ...field('crmNote', values.crmNote),
        },
      },
    },
  };
  return harness.postSigned('/slack/interactions', blockActionsBody(payload));
}
