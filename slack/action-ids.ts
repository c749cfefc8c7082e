/**
 * Interactive element ids on the meeting card and its modals. The button value is only the
 * recording id: the API derives the tenant from the verified request, never from the button.
 */
export const cardActions = {
  logNote: 'followup.note',
  createDraft: 'followup.draft',
  scheduleEvent: 'followup.event',
  edit: 'followup.edit',
  dismiss: 'followup.dismiss',
  retry: 'followup.retry',
  processAnyway: 'followup.process_anyway',
  chooseAccount: 'followup.choose_account',
  searchAccount: 'followup.search_account',
  openDeal: 'followup.deal',
  openTask: 'followup.task',
} as const;

export type CardActionId = (typeof cardActions)[keyof typeof cardActions];

export const modalCallbacks = {
  editTexts: 'followup.edit_modal',
} as const;

export const editModalFields = {
  summary: { block: 'summary', action: 'summary_input' },
  emailSubject: { block: 'email_subject', action: 'email_subject_input' },
  emailBody: { block: 'email_body', action: 'email_body_input' },
  crmNote: { block: 'crm_note', action: 'crm_note_input' },
} as const;
