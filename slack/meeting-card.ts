import type { Button, ExternalSelect, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import { htmlToMrkdwn } from '../domain/email-html-text';
import type { ActionKind, ActionState, FollowUpDraft, MeetingState } from '../domain/meeting';
import { cardActions } from './action-ids';
import {
  actions,
  button,
  capBlocks,
  context,
  divider,
  escapeMrkdwn,
  fieldsSection,
  header,
  option,
  section,
  truncate,
} from './block-kit';

/**
 * The follow-up card a rep sees for one meeting. Rendered from the workflow's state plus the
 * draft stored in Postgres; every state (preparing, failed, done, expired) has its own look.
 */
export interface MeetingCardInput {
  state: MeetingState;
  draft: FollowUpDraft | null;
  title: string;
  /** When the meeting took place; null when it is not known (its recording could not be loaded). */
  startedAt: Date | null;
  externalAttendees: string[];
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const actionLabels: Record<ActionKind, string> = {
  note: 'CRM note',
  draft: 'Gmail draft',
  event: 'Follow-up meeting',
  invitations: 'Invitations',
  task: 'CRM task',
  deal: 'Deal update',
};

const statusLines: Partial<Record<MeetingState['status'], string>> = {
  preparing: '⏳ Preparing your follow-up… (transcript, summary, CRM match)',
  'skipped-internal': 'ℹ️ Only internal attendees: nothing was sent to the CRM.',
  completed: '✅ All done for this meeting.',
  dismissed: '🗑️ Dismissed.',
  expired: '⌛ Expired: this follow-up was left untouched and is now closed.',
  cancelled: '⛔ Closed: the app was removed from this workspace.',
};

export function renderMeetingCard(input: MeetingCardInput): SlackMessage {
  const { state, draft } = input;
  const recording = state.recordingId;
  const blocks: KnownBlock[] = [header(`Follow-up: ${input.title}`)];
  const meta = [`${input.externalAttendees.length} external attendee(s)`];
  if (input.startedAt) meta.unshift(`${input.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  if (draft) meta.push(draft.generator === 'claude' ? `Drafted by Claude (${draft.promptVersion})` : 'Offline draft — not AI-written');
  blocks.push(context(meta.map(escapeMrkdwn)));

  const statusLine = statusLines[state.status];
  if (statusLine) blocks.push(section(statusLine));
  if (state.preparationFailure) {
    blocks.push(
      section(`❌ *Could not prepare the follow-up:* ${escapeMrkdwn(state.preparationFailure.message)}`, button({ text: 'Retry', actionId: cardActions.retry, value: recording })),
    );
  }
  if (state.status === 'skipped-internal') {
    blocks.push(actions('internal', [button({ text: 'Process anyway', actionId: cardActions.processAnyway, value: recording })]));
  }

  if (draft) {
    blocks.push(divider(), section(`*Summary*\n${escapeMrkdwn(draft.summary)}`));
    if (draft.nextSteps.length > 0) {
      blocks.push(section(`*Next steps*\n${draft.nextSteps.map((step) => `• ${escapeMrkdwn(step)}`).join('\n')}`));
    }
    blocks.push(
      fieldsSection([
        `*Tech stack*\n${escapeMrkdwn(draft.insights.techStack)}`,
        `*Pain points*\n${escapeMrkdwn(draft.insights.painPoints)}`,
        `*Impact*\n${escapeMrkdwn(draft.insights.impact)}`,
        `*Roadblocks*\n${escapeMrkdwn(draft.insights.roadblocks)}`,
      ]),
    );
    const emailPreview = truncate(escapeMrkdwn(htmlToMrkdwn(draft.emailHtml)), 1500);
    blocks.push(section(`*Email draft* — _${escapeMrkdwn(draft.emailSubject)}_\n${emailPreview}`));
  }

  blocks.push(...accountBlocks(state));
  blocks.push(...actionStatusBlocks(state));
  const buttons = actionButtons(state, draft !== null);
  if (buttons.length > 0) blocks.push(actions('followup_actions', buttons));

  // The notification fallback is mrkdwn too: the outside title is escaped as in the blocks.
  return { text: truncate(`Follow-up for ${escapeMrkdwn(input.title)}: ${statusLine ?? 'ready'}`, 3000), blocks: capBlocks(blocks) };
}

function accountBlocks(state: MeetingState): SectionBlock[] {
  return accountSections(state).map((block) => ({ ...block, block_id: `account:${state.recordingId}` }));
}

function accountSections(state: MeetingState): SectionBlock[] {
  // Which CRM is connected is known once the account was matched; before that, say nothing about it.
  const account = state.account;
  if (!account) return [];
  if (!state.crm.provider) return [section('🔌 *No CRM connected.* Connect one in the app’s Home tab to log notes.')];
  const open = !['completed', 'dismissed', 'expired', 'cancelled'].includes(state.status);
  const search: ExternalSelect = {
    type: 'external_select',
    action_id: cardActions.searchAccount,
    placeholder: { type: 'plain_text', text: 'Search CRM accounts' },
    min_query_length: 2,
  };
  if (account.chosen) {
    const name = account.chosen.url ? `<${account.chosen.url}|${escapeMrkdwn(account.chosen.name)}>` : escapeMrkdwn(account.chosen.name);
    const certainty = account.chosen.source === 'rep' ? 'chosen by you' : `${Math.round(account.chosen.confidence * 100)}% match`;
    // The note's account is the meeting's for good (the workflow refuses a change): no picker, and the card says so.
    if (state.actions.note.status === 'done') {
      return [section(`*CRM account:* ${name} (${certainty}) — the note is logged here, so the task and deal go here too.`)];
    }
    return [section(`*CRM account:* ${name} (${certainty})`, open ? search : undefined)];
  }
  if (account.verdict === 'ambiguous' && account.candidates.length > 0) {
    const picker: StaticSelect = {
      type: 'static_select',
      action_id: cardActions.chooseAccount,
      placeholder: { type: 'plain_text', text: 'Pick the account' },
      options: account.candidates.slice(0, 100).map((candidate) => option(`${candidate.name}${candidate.domain ? ` (${candidate.domain})` : ''}`, candidate.id)),
    };
    return [section('🤔 *Several CRM accounts match this meeting.* Which one is it?', open ? picker : undefined)];
  }
  return [section('🔎 *No CRM account matched this meeting.* Search for it:', open ? search : undefined)];
}

function actionStatusBlocks(state: MeetingState): SectionBlock[] {
  const lines: SectionBlock[] = [];
  for (const kind of Object.keys(actionLabels) as ActionKind[]) {
    const action = state.actions[kind];
    const line = describeAction(kind, action);
    if (!line) continue;
    const retry = action.status === 'failed' ? button({ text: 'Retry', actionId: cardActions.retry, value: `${state.recordingId}:${kind}` }) : undefined;
    lines.push(section(line, retry));
  }
  return lines;
}

function describeAction(kind: ActionKind, action: ActionState): string | null {
  const label = actionLabels[kind];
  switch (action.status) {
    case 'pending':
      return `⏳ ${label}: working on it…`;
    case 'done': {
      const what = escapeMrkdwn(action.label ?? 'done');
      return `✅ ${label}: ${action.url ? `<${action.url}|${what}>` : what}`;
    }
    case 'failed':
      return `❌ ${label} failed: ${escapeMrkdwn(action.failure?.message ?? 'unknown error')}`;
    case 'dismissed':
      return kind === 'invitations' ? `➖ ${label}: none sent` : `➖ ${label}: dismissed`;
    default:
      return null;
  }
}

function actionButtons(state: MeetingState, hasDraft: boolean): Button[] {
  if (!hasDraft || ['completed', 'dismissed', 'expired', 'cancelled', 'preparing', 'skipped-internal'].includes(state.status)) return [];
  const value = state.recordingId;
  const idle = (kind: ActionKind) => state.offeredActions.includes(kind) && state.actions[kind].status === 'idle';
  const crmReady = !!state.crm.provider && !!state.account?.chosen;
  const buttons: Button[] = [];
  if (idle('note') && crmReady && state.crm.capabilities.includes('notes')) {
    buttons.push(button({ text: 'Log to CRM', actionId: cardActions.logNote, value, style: 'primary' }));
  }
  if (idle('draft')) buttons.push(button({ text: 'Create Gmail draft', actionId: cardActions.createDraft, value }));
  if (idle('event')) buttons.push(button({ text: 'Schedule follow-up', actionId: cardActions.scheduleEvent, value }));
  const invitations = state.actions.invitations.status;
  if (state.actions.event.status === 'done' && invitations === 'idle') {
    buttons.push(button({ text: 'Send invitations', actionId: cardActions.sendInvitations, value }));
  }
  if (state.actions.event.status === 'done' && (invitations === 'idle' || invitations === 'failed')) {
    buttons.push(button({ text: 'Done, no invitations', actionId: cardActions.skipInvitations, value }));
  }
  if (crmReady && state.offeredActions.includes('deal') && state.crm.capabilities.includes('dealUpdate')) buttons.push(button({ text: 'Deal', actionId: cardActions.openDeal, value }));
  if (idle('task') && crmReady && state.crm.capabilities.includes('tasks')) buttons.push(button({ text: 'CRM task', actionId: cardActions.openTask, value }));
  buttons.push(button({ text: 'Edit', actionId: cardActions.edit, value }));
  buttons.push(button({ text: 'Dismiss', actionId: cardActions.dismiss, value, style: 'danger' }));
  return buttons;
}
