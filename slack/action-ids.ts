/**
 * Interactive element ids on the meeting card and its modals. The button value is only the
 * recording id: the API derives the tenant from the verified request, never from the button.
 */
export const cardActions = {
  logNote: 'followup.note',
  createDraft: 'followup.draft',
  scheduleEvent: 'followup.event',
  sendInvitations: 'followup.send_invitations',
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

/** The meeting picker `/followup` opens when given no link. */
export const meetingPicker = {
  callback: 'followup.pick_meeting',
  block: 'meeting',
  action: 'meeting_select',
} as const;

export const homeActions = {
  editSettings: 'home.edit_settings',
  reinstall: 'home.reinstall',
} as const;

/** The admins' workspace settings modal, opened from App Home. */
export const settingsModal = {
  callback: 'settings.edit_modal',
  fields: {
    language: { block: 'settings_language', action: 'language_input' },
    tone: { block: 'settings_tone', action: 'tone_select' },
    autoLogPolicy: { block: 'settings_auto_log', action: 'auto_log_select' },
    nudgeAfterHours: { block: 'settings_nudge', action: 'nudge_hours_input' },
    expireAfterDays: { block: 'settings_expiry', action: 'expire_days_input' },
    defaultCrm: { block: 'settings_default_crm', action: 'default_crm_select' },
  },
} as const;
