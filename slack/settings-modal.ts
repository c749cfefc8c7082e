import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { TenantSettings } from '../entities';
import type { CrmProviderName } from '../domain/crm';
import { settingsModal } from './action-ids';
import { context, option, plainText } from './block-kit';
import { autoLogLabels, crmLabels, toneLabels } from './settings-labels';

/**
 * The admins' settings modal and the reading of its submission. Invalid input comes back as
 * errors on the field (Slack keeps what the admin typed), never as a separate error modal.
 */
export const settingsBounds = {
  nudgeAfterHours: { min: 1, max: 168 },
  expireAfterDays: { min: 1, max: 30 },
};

export interface SettingsChoice {
  language: string;
  tone: TenantSettings['tone'];
  autoLogPolicy: TenantSettings['autoLogPolicy'];
  nudgeAfterHours: number;
  expireAfterDays: number;
  /** The CRM connection to use by default; absent when the tenant has none. */
  defaultCrmConnectionId?: string;
}

export interface CrmChoice {
  id: string;
  provider: CrmProviderName;
  isDefault: boolean;
}

const fields = settingsModal.fields;
const tones = Object.keys(toneLabels) as TenantSettings['tone'][];
const autoLogPolicies = Object.keys(autoLogLabels) as TenantSettings['autoLogPolicy'][];

export function renderSettingsModal(settings: TenantSettings, crms: CrmChoice[]): ModalView {
  const select = (field: keyof typeof fields, label: string, choices: PlainTextOption[], initial: PlainTextOption | undefined): InputBlock => ({
    type: 'input',
    block_id: fields[field].block,
    label: plainText(label, 2000),
    element: { type: 'static_select', action_id: fields[field].action, options: choices, ...(initial ? { initial_option: initial } : {}) },
  });
  const wholeNumber = (field: 'nudgeAfterHours' | 'expireAfterDays', label: string, hint: string): InputBlock => ({
    type: 'input',
    block_id: fields[field].block,
    label: plainText(label, 2000),
    hint: plainText(hint, 2000),
    element: {
      type: 'number_input',
      action_id: fields[field].action,
      is_decimal_allowed: false,
      min_value: String(settingsBounds[field].min),
      max_value: String(settingsBounds[field].max),
      initial_value: String(settings[field]),
    },
  });
  const toneOptions = tones.map((tone) => option(toneLabels[tone], tone));
  const autoLogOptions = autoLogPolicies.map((policy) => option(autoLogLabels[policy], policy));
  const crmOptions = crms.map((crm) => option(crmLabels[crm.provider], crm.id));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: fields.language.block,
      label: plainText('Language of summaries and emails', 2000),
      hint: plainText('“auto” follows each meeting’s language; or a two-letter code such as en, it, de.', 2000),
      element: { type: 'plain_text_input', action_id: fields.language.action, max_length: 8, initial_value: settings.language },
    },
    select('tone', 'Tone of the follow-up email', toneOptions, toneOptions[tones.indexOf(settings.tone)]),
    select('autoLogPolicy', 'Log notes to the CRM automatically', autoLogOptions, autoLogOptions[autoLogPolicies.indexOf(settings.autoLogPolicy)]),
    wholeNumber('nudgeAfterHours', 'Remind the rep after (hours)', 'A single reminder when nothing happened on a follow-up.'),
    wholeNumber('expireAfterDays', 'Close untouched follow-ups after (days)', 'Applies to meetings started after you save.'),
  ];
  if (crmOptions.length > 0) {
    const current = crms.findIndex((crm) => crm.isDefault);
    blocks.push(select('defaultCrm', 'Default CRM', crmOptions, current >= 0 ? crmOptions[current] : undefined));
  } else {
    blocks.push(context(['No CRM is connected yet, so there is no default CRM to choose.']));
  }
  return {
    type: 'modal',
    callback_id: settingsModal.callback,
    title: plainText('Workspace settings', 24),
    submit: plainText('Save', 24),
    close: plainText('Cancel', 24),
    blocks,
  };
}

/** `view.state.values` of a submission: block id → action id → what the admin entered. */
export type ViewValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

export type SettingsSubmission = { ok: true; choice: SettingsChoice } | { ok: false; errors: Record<string, string> };

export function readSettingsSubmission(values: ViewValues, crmConnectionIds: string[]): SettingsSubmission {
  const text = (field: keyof typeof fields) => (values[fields[field].block]?.[fields[field].action]?.value ?? '').trim();
  const selected = (field: keyof typeof fields) => values[fields[field].block]?.[fields[field].action]?.selected_option?.value;
  const errors: Record<string, string> = {};

  const language = text('language').toLowerCase();
  if (!/^(auto|[a-z]{2})$/.test(language)) errors[fields.language.block] = 'Use “auto” or a two-letter language code such as en, it or de.';
  const tone = selected('tone') as SettingsChoice['tone'] | undefined;
  if (!tone || !tones.includes(tone)) errors[fields.tone.block] = 'Choose a tone.';
  const autoLogPolicy = selected('autoLogPolicy') as SettingsChoice['autoLogPolicy'] | undefined;
  if (!autoLogPolicy || !autoLogPolicies.includes(autoLogPolicy)) errors[fields.autoLogPolicy.block] = 'Choose when notes are logged.';
  const nudgeAfterHours = wholeNumberIn(text('nudgeAfterHours'), settingsBounds.nudgeAfterHours);
  if (nudgeAfterHours === null) errors[fields.nudgeAfterHours.block] = `Enter a whole number of hours from ${settingsBounds.nudgeAfterHours.min} to ${settingsBounds.nudgeAfterHours.max}.`;
  const expireAfterDays = wholeNumberIn(text('expireAfterDays'), settingsBounds.expireAfterDays);
  if (expireAfterDays === null) errors[fields.expireAfterDays.block] = `Enter a whole number of days from ${settingsBounds.expireAfterDays.min} to ${settingsBounds.expireAfterDays.max}.`;
  if (nudgeAfterHours !== null && expireAfterDays !== null && nudgeAfterHours >= expireAfterDays * 24) {
    errors[fields.nudgeAfterHours.block] = `The reminder must come before the follow-up closes (${expireAfterDays * 24} hours).`;
  }
  const defaultCrmConnectionId = selected('defaultCrm');
  if (crmConnectionIds.length > 0 && (!defaultCrmConnectionId || !crmConnectionIds.includes(defaultCrmConnectionId))) {
    errors[fields.defaultCrm.block] = 'Choose one of the connected CRMs.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    choice: {
      language,
      tone: tone!,
      autoLogPolicy: autoLogPolicy!,
      nudgeAfterHours: nudgeAfterHours!,
      expireAfterDays: expireAfterDays!,
      ...(crmConnectionIds.length > 0 ? { defaultCrmConnectionId } : {}),
    },
  };
}

function wholeNumberIn(text: string, bounds: { min: number; max: number }): number | null {
  if (!/^\d{1,6}$/.test(text)) return null;
  const value = Number(text);
  return value >= bounds.min && value <= bounds.max ? value : null;
}
