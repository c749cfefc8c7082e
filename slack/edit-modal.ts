import type { InputBlock, ModalView } from '@slack/types';
import { htmlToPlainText } from '../domain/email-html-text';
import type { FollowUpDraft } from '../domain/meeting';
import { editModalFields, modalCallbacks } from './action-ids';
import { blockKitLimits, context, plainText } from './block-kit';

/**
 * The modal where the rep edits the texts before acting. What is saved here is what the note,
 * the Gmail draft and the event use afterwards. Errors come back on the field (Slack keeps the
 * rep's input), never as a replacement modal.
 */
export function renderEditModal(recordingId: string, draft: FollowUpDraft): ModalView {
  const input = (field: keyof typeof editModalFields, label: string, value: string, maxLength: number, multiline = true): InputBlock => ({
    type: 'input',
    block_id: editModalFields[field].block,
    label: plainText(label, 2000),
    element: {
      type: 'plain_text_input',
      action_id: editModalFields[field].action,
      multiline,
      max_length: maxLength,
      initial_value: value.slice(0, Math.min(maxLength, blockKitLimits.inputInitialValue)),
    },
  });
  return {
    type: 'modal',
    callback_id: modalCallbacks.editTexts,
    private_metadata: recordingId,
    title: plainText('Edit follow-up', 24),
    submit: plainText('Save', 24),
    close: plainText('Cancel', 24),
    blocks: [
      context(['Your edits are used by every action you take next (CRM note, Gmail draft, calendar event).']),
      input('summary', 'Summary', draft.summary, 3000),
      input('emailSubject', 'Email subject', draft.emailSubject, 200, false),
      input('emailBody', 'Email body', htmlToPlainText(draft.emailHtml), 3000),
      input('crmNote', 'CRM note', draft.crmNote, 3000),
    ],
  };
}
