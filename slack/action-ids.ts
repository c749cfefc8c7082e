/**
 * Interactive element ids on the meeting card and its modals. The button value is only the
 * recording id: the API derives the tenant from the verified request, never from the button.
 */
export const cardActions = {
  logNote: 'followup.note',
  createDraft: 'followup.draft',
  scheduleEvent: 'followup.event',
  sendInvitations: 'followup.send_invitations',
  skipInvitations: 'followup.skip_invitations',
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

/** The CRM task modal the card's "CRM task" button opens; private_metadata is the recording id. */
export const taskModal = {
  callback: 'followup.task_modal',
  fields: {
    subject: { block: 'task_subject', action: 'task_subject_input' },
    dueDate: { block: 'task_due_date', action: 'task_due_date_input' },
    dueTime: { block: 'task_due_time', action: 'task_due_time_input' },
    /** Searchable: its options are the chosen account's CRM contacts. */
    contact: { block: 'task_contact', action: 'task_contact_select' },
  },
} as const;

/**
 * The deal editor the card's "Deal" button opens. The stage and amount blocks carry the deal id
 * in their block id, so choosing another deal resets them instead of keeping the old input.
 */
export const dealModal = {
  callback: 'followup.deal_modal',
  dealSelect: 'deal_select',
  fields: {
    stage: { block: 'deal_stage', action: 'deal_stage_select' },
    amount: { block: 'deal_amount', action: 'deal_amount_input' },
  },
} as const;

/** The meeting picker `/followup` opens when given no link. */
export const meetingPicker = {
  callback: 'followup.pick_meeting',
  block: 'meeting',
  action: 'meeting_select',
  older: 'meeting_picker_older',
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

/** App Home's Connect buttons: key connections open a modal; OAuth ones are links whose click only needs an acknowledgement. */
export const connectActions = {
  fathom: 'home.connect_fathom',
  crono: 'home.connect_crono',
  google: 'home.connect_google',
  hubspot: 'home.connect_hubspot',
  salesforce: 'home.connect_salesforce',
  pipedrive: 'home.connect_pipedrive',
} as const;

/** App Home's Disconnect buttons (each asks for confirmation); the CRM one carries the provider as its value. */
export const disconnectActions = {
  fathom: 'home.disconnect_fathom',
  google: 'home.disconnect_google',
  crm: 'home.disconnect_crm',
} as const;

/** The modals that take an API key; the key is checked with the service before it is stored. */
export const connectModals = {
  fathom: { callback: 'connect.fathom_modal', apiKey: { block: 'fathom_api_key', action: 'api_key_input' } },
  crono: {
    callback: 'connect.crono_modal',
    apiKey: { block: 'crono_api_key', action: 'api_key_input' },
    apiSecret: { block: 'crono_api_secret', action: 'api_secret_input' },
  },
} as const;

/** The admins' DM about failed CRM syncs; "Retry all" carries the incident id as its value. */
export const incidentActions = {
  retryAll: 'incident.retry_all',
} as const;
