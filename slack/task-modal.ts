import type { ModalView } from '@slack/types';
import { taskModal } from './action-ids';
import { context, escapeMrkdwn, plainText, truncate } from './block-kit';

export const taskSubjectMaxLength = 200;

/**
 * The CRM task form. Date and time are read as wall-clock time in the rep's own zone, which the
 * form names, so "09:00" means 09:00 where the rep is (not UTC). Errors come back on the field.
 */
export function renderTaskModal(options: {
  recordingId: string;
  meetingTitle: string;
  timeZone: string;
  /** YYYY-MM-DD in the rep's zone. */
  defaultDate: string;
}): ModalView {
  const { fields } = taskModal;
  return {
    type: 'modal',
    callback_id: taskModal.callback,
    private_metadata: options.recordingId,
    title: plainText('CRM task', 24),
    submit: plainText('Create task', 24),
    close: plainText('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: fields.subject.block,
        label: plainText('Subject', 2000),
        element: {
          type: 'plain_text_input',
          action_id: fields.subject.action,
          max_length: taskSubjectMaxLength,
          initial_value: truncate(`Follow up: ${options.meetingTitle}`, taskSubjectMaxLength),
        },
      },
      {
        type: 'input',
        block_id: fields.dueDate.block,
        label: plainText('Due date', 2000),
        element: { type: 'datepicker', action_id: fields.dueDate.action, initial_date: options.defaultDate },
      },
      {
        type: 'input',
        block_id: fields.dueTime.block,
        label: plainText('Due time', 2000),
        element: { type: 'timepicker', action_id: fields.dueTime.action, initial_time: '09:00' },
      },
      {
        type: 'input',
        block_id: fields.contact.block,
        optional: true,
        label: plainText('Contact', 2000),
        hint: plainText('Someone at the meeting’s CRM account; type part of their name.', 2000),
        element: {
          type: 'external_select',
          action_id: fields.contact.action,
          placeholder: plainText('Search contacts', 150),
          min_query_length: 2,
        },
      },
      context([`Date and time are in your time zone, *${escapeMrkdwn(options.timeZone)}*.`]),
    ],
  };
}
