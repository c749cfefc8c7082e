import { isRecord } from './json-values';
import { blockActionsBody, signSlackRequest } from './slack-request-signer';

/**
 * What Slack does while a user types in an `external_select`: it POSTs a signed `block_suggestion`
 * payload (a form field `payload` holding JSON) to the app's Options Load URL and shows the options
 * the app answers within 3 seconds (docs.slack.dev/reference/block-kit/block-elements/select-menu-element,
 * "external data source"). Slack shows nothing for a late, non-JSON or out-of-limits answer; this
 * helper says which of those it was, so a test can assert what the user would see.
 */
export interface BlockSuggestion {
  teamId: string;
  userId: string;
  actionId: string;
  blockId: string;
  /** What the user has typed so far. */
  value: string;
  /** The modal the select is in; omit for a select in a message. */
  view?: { id: string; callbackId?: string; privateMetadata?: string };
  /** The message the select is in, when it is not in a modal. */
  message?: { channelId: string; ts: string };
  enterpriseId?: string;
  appId?: string;
}

export interface SuggestedOption {
  text: string;
  value: string;
}

export type OptionsAnswer =
  | { shown: true; options: SuggestedOption[]; groups?: { label: string; options: SuggestedOption[] }[] }
  | { shown: false; problem: string };

/** Slack's limits for what an Options Load URL answers (Block Kit option and option group objects). */
const ANSWER_DEADLINE_MS = 3000;
const MAX_OPTIONS = 100;
const MAX_OPTION_TEXT = 75;
const MAX_OPTION_VALUE = 150;

export function blockSuggestionPayload(suggestion: BlockSuggestion): Record<string, unknown> {
  return {
    type: 'block_suggestion',
    user: { id: suggestion.userId, team_id: suggestion.teamId },
    team: { id: suggestion.teamId, domain: suggestion.teamId.toLowerCase() },
    enterprise: suggestion.enterpriseId ? { id: suggestion.enterpriseId } : null,
    is_enterprise_install: false,
    api_app_id: suggestion.appId ?? 'A0EMULATOR',
    action_id: suggestion.actionId,
    block_id: suggestion.blockId,
    value: suggestion.value,
    ...(suggestion.view
      ? {
          container: { type: 'view', view_id: suggestion.view.id },
          view: { id: suggestion.view.id, type: 'modal', callback_id: suggestion.view.callbackId ?? '', private_metadata: suggestion.view.privateMetadata ?? '' },
        }
      : {}),
    ...(suggestion.message
      ? {
          container: { type: 'message', channel_id: suggestion.message.channelId, message_ts: suggestion.message.ts, is_ephemeral: false },
          channel: { id: suggestion.message.channelId },
        }
      : {}),
  };
}

/** Sends one options-load request, signed with the app's signing secret, and reads the answer as Slack would. */
export async function sendBlockSuggestion(request: { optionsUrl: string; signingSecret: string; suggestion: BlockSuggestion }): Promise<OptionsAnswer> {
  const body = blockActionsBody(blockSuggestionPayload(request.suggestion));
  const { headers } = signSlackRequest({ signingSecret: request.signingSecret, body });
  let response: Response;
  try {
    response = await fetch(request.optionsUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(ANSWER_DEADLINE_MS) });
  } catch (error) {
    return { shown: false, problem: error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 3 seconds' : `request failed: ${String(error)}` };
  }
  if (response.status !== 200) return { shown: false, problem: `HTTP ${response.status}` };
  let answer: unknown;
  try {
    answer = JSON.parse(await response.text()) as unknown;
  } catch {
    return { shown: false, problem: 'the answer is not JSON' };
  }
  return readAnswer(answer);
}

function readAnswer(answer: unknown): OptionsAnswer {
  if (!isRecord(answer)) return { shown: false, problem: 'the answer is not a JSON object' };
  if (Array.isArray(answer.option_groups)) {
    const groups: { label: string; options: SuggestedOption[] }[] = [];
    for (const [index, group] of answer.option_groups.entries()) {
      const label = isRecord(group) ? plainText(group.label) : undefined;
      if (label === undefined || label.length > MAX_OPTION_TEXT) return { shown: false, problem: `option_groups[${index}].label is missing or longer than ${MAX_OPTION_TEXT}` };
      const options = readOptions(isRecord(group) ? group.options : undefined, `option_groups[${index}].options`);
      if ('problem' in options) return { shown: false, problem: options.problem };
      groups.push({ label, options: options.list });
    }
    if (groups.length > MAX_OPTIONS) return { shown: false, problem: `more than ${MAX_OPTIONS} option groups` };
    return { shown: true, options: groups.flatMap((group) => group.options), groups };
  }
  const options = readOptions(answer.options, 'options');
  return 'problem' in options ? { shown: false, problem: options.problem } : { shown: true, options: options.list };
}

function readOptions(value: unknown, where: string): { list: SuggestedOption[] } | { problem: string } {
  if (!Array.isArray(value)) return { problem: `${where} is missing` };
  if (value.length > MAX_OPTIONS) return { problem: `${where} has more than ${MAX_OPTIONS} options` };
  const list: SuggestedOption[] = [];
  for (const [index, option] of value.entries()) {
    const text = isRecord(option) ? plainText(option.text) : undefined;
    const optionValue = isRecord(option) && typeof option.value === 'string' ? option.value : undefined;
    if (text === undefined || text.length > MAX_OPTION_TEXT) return { problem: `${where}[${index}].text is missing, not plain_text or longer than ${MAX_OPTION_TEXT}` };
    if (optionValue === undefined || optionValue.length > MAX_OPTION_VALUE) return { problem: `${where}[${index}].value is missing or longer than ${MAX_OPTION_VALUE}` };
    list.push({ text, value: optionValue });
  }
  return { list };
}

/** Options in an external select take plain_text only. */
function plainText(value: unknown): string | undefined {
  return isRecord(value) && value.type === 'plain_text' && typeof value.text === 'string' ? value.text : undefined;
}
