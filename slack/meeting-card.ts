import type { Button, ExternalSelect, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import { htmlToMrkdwn } from '../domain/email-html-text';
import { formatInstantInZone } from '../domain/zoned-time';
import { actionKinds, type ActionKind, type ActionState, type FollowUpDraft, type MeetingState, type MeetingStatus } from '../domain/meeting';
import { cardActions } from './action-ids';
import { cardLabels, type CardLabels, type StatusWithLine } from './card-labels';
import {
  actions,
  button,
  capBlocks,
  context,
  divider,
  escapeMrkdwn,
  fieldsSection,
  header,
  mrkdwnLink,
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
  /** The rep's IANA zone (from Slack): the meeting's time is shown on their wall clock. */
  timeZone: string;
  /** The rep's Slack locale, e.g. `it-IT`: the card's language (English when absent or not offered). */
  locale: string | null;
  externalAttendees: string[];
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function renderMeetingCard(input: MeetingCardInput): SlackMessage {
  const { state, draft } = input;
  const labels = cardLabels(input.locale);
  const recording = state.recordingId;
  const blocks: KnownBlock[] = [header(labels.header(input.title))];
  const meta = [labels.externalAttendees(input.externalAttendees.length)];
  if (input.startedAt) meta.unshift(meetingTime(input.startedAt, input.timeZone));
  if (draft) meta.push(draft.generator === 'claude' ? labels.draftedByClaude(draft.promptVersion) : labels.offlineDraft);
  blocks.push(context(meta.map(escapeMrkdwn)));

  const statusLine = statusLineOf(state.status, labels);
  if (statusLine) blocks.push(section(statusLine));
  if (state.preparationFailure) {
    blocks.push(
      section(`❌ *${labels.preparationFailed}* ${escapeMrkdwn(state.preparationFailure.message)}`, button({ text: labels.retry, actionId: cardActions.retry, value: recording })),
    );
  }
  if (state.status === 'skipped-internal') {
    blocks.push(actions('internal', [button({ text: labels.processAnyway, actionId: cardActions.processAnyway, value: recording })]));
  }

  if (draft) {
    blocks.push(divider(), section(`*${labels.summary}*\n${escapeMrkdwn(draft.summary)}`));
    if (draft.nextSteps.length > 0) {
      blocks.push(section(`*${labels.nextSteps}*\n${draft.nextSteps.map((step) => `• ${escapeMrkdwn(step)}`).join('\n')}`));
    }
    blocks.push(
      fieldsSection([
        `*${labels.techStack}*\n${escapeMrkdwn(draft.insights.techStack)}`,
        `*${labels.painPoints}*\n${escapeMrkdwn(draft.insights.painPoints)}`,
        `*${labels.impact}*\n${escapeMrkdwn(draft.insights.impact)}`,
        `*${labels.roadblocks}*\n${escapeMrkdwn(draft.insights.roadblocks)}`,
      ]),
    );
    const emailPreview = truncate(escapeMrkdwn(htmlToMrkdwn(draft.emailHtml)), 1500);
    blocks.push(section(`*${labels.emailDraft}* — _${escapeMrkdwn(draft.emailSubject)}_\n${emailPreview}`));
  }

  blocks.push(...accountBlocks(state, labels));
  blocks.push(...actionStatusBlocks(state, labels));
  const buttons = actionButtons(state, draft !== null, labels);
  if (buttons.length > 0) blocks.push(actions('followup_actions', buttons));

  // The notification fallback is mrkdwn too: the outside title is escaped as in the blocks.
  return { text: truncate(labels.notification(escapeMrkdwn(input.title), statusLine ?? labels.ready), 3000), blocks: capBlocks(blocks) };
}

function statusLineOf(status: MeetingStatus, labels: CardLabels): string | undefined {
  return status in labels.status ? labels.status[status as StatusWithLine] : undefined;
}

/** "2026-12-03 15:00 (Europe/Rome)"; a zone this runtime does not know falls back to UTC, said so. */
function meetingTime(startedAt: Date, timeZone: string): string {
  try {
    return `${formatInstantInZone(startedAt, timeZone)} (${timeZone})`;
  } catch {
    return `${formatInstantInZone(startedAt, 'UTC')} (UTC)`;
  }
}

function accountBlocks(state: MeetingState, labels: CardLabels): SectionBlock[] {
  return accountSections(state, labels).map((block) => ({ ...block, block_id: `account:${state.recordingId}` }));
}

function accountSections(state: MeetingState, labels: CardLabels): SectionBlock[] {
  // Which CRM is connected is known once the account was matched; before that, say nothing about it.
  const account = state.account;
  if (!account) return [];
  if (!state.crm.provider) return [section(labels.noCrmConnected)];
  const open = !['completed', 'dismissed', 'expired', 'cancelled'].includes(state.status);
  const search: ExternalSelect = {
    type: 'external_select',
    action_id: cardActions.searchAccount,
    placeholder: { type: 'plain_text', text: labels.searchAccounts },
    min_query_length: 2,
  };
  if (account.chosen) {
    const name = mrkdwnLink(account.chosen.url, escapeMrkdwn(account.chosen.name));
    const certainty = account.chosen.source === 'rep' ? labels.chosenByYou : labels.matchPercent(Math.round(account.chosen.confidence * 100));
    // The note's account is the meeting's for good (the workflow refuses a change): no picker, and the card says so.
    if (state.actions.note.status === 'done') return [section(`*${labels.crmAccount}* ${name} (${certainty}) — ${labels.noteLoggedHere}`)];
    return [section(`*${labels.crmAccount}* ${name} (${certainty})`, open ? search : undefined)];
  }
  if (account.verdict === 'ambiguous' && account.candidates.length > 0) {
    const picker: StaticSelect = {
      type: 'static_select',
      action_id: cardActions.chooseAccount,
      placeholder: { type: 'plain_text', text: labels.pickAccount },
      options: account.candidates.slice(0, 100).map((candidate) => option(`${candidate.name}${candidate.domain ? ` (${candidate.domain})` : ''}`, candidate.id)),
    };
    return [section(labels.severalAccountsMatch, open ? picker : undefined)];
  }
  return [section(labels.noAccountMatched, open ? search : undefined)];
}

function actionStatusBlocks(state: MeetingState, labels: CardLabels): SectionBlock[] {
  const lines: SectionBlock[] = [];
  for (const kind of actionKinds) {
    const action = state.actions[kind];
    const line = describeAction(kind, action, labels);
    if (!line) continue;
    const retry = action.status === 'failed' ? button({ text: labels.retry, actionId: cardActions.retry, value: `${state.recordingId}:${kind}` }) : undefined;
    lines.push(section(line, retry));
  }
  return lines;
}

function describeAction(kind: ActionKind, action: ActionState, labels: CardLabels): string | null {
  const label = labels.actions[kind];
  switch (action.status) {
    case 'pending':
      return `⏳ ${labels.actionWorking(label)}`;
    case 'done': {
      const what = escapeMrkdwn(action.label ?? labels.done);
      return `✅ ${label}: ${mrkdwnLink(action.url, what)}`;
    }
    case 'failed':
      return `❌ ${labels.actionFailed(label, escapeMrkdwn(action.failure?.message ?? labels.unknownError))}`;
    case 'dismissed':
      return `➖ ${kind === 'invitations' ? labels.invitationsNoneSent : labels.actionDismissed(label)}`;
    default:
      return null;
  }
}

function actionButtons(state: MeetingState, hasDraft: boolean, labels: CardLabels): Button[] {
  if (!hasDraft || ['completed', 'dismissed', 'expired', 'cancelled', 'preparing', 'skipped-internal'].includes(state.status)) return [];
  const value = state.recordingId;
  const idle = (kind: ActionKind) => state.offeredActions.includes(kind) && state.actions[kind].status === 'idle';
  const crmReady = !!state.crm.provider && !!state.account?.chosen;
  const buttons: Button[] = [];
  if (idle('note') && crmReady && state.crm.capabilities.includes('notes')) {
    buttons.push(button({ text: labels.logToCrm, actionId: cardActions.logNote, value, style: 'primary' }));
  }
  if (idle('draft')) buttons.push(button({ text: labels.createDraft, actionId: cardActions.createDraft, value }));
  if (idle('event')) buttons.push(button({ text: labels.scheduleFollowUp, actionId: cardActions.scheduleEvent, value }));
  const invitations = state.actions.invitations.status;
  if (state.actions.event.status === 'done' && invitations === 'idle') {
    buttons.push(button({ text: labels.sendInvitations, actionId: cardActions.sendInvitations, value }));
  }
  if (state.actions.event.status === 'done' && (invitations === 'idle' || invitations === 'failed')) {
    buttons.push(button({ text: labels.skipInvitations, actionId: cardActions.skipInvitations, value }));
  }
  if (crmReady && state.offeredActions.includes('deal') && state.crm.capabilities.includes('dealUpdate')) buttons.push(button({ text: labels.deal, actionId: cardActions.openDeal, value }));
  if (idle('task') && crmReady && state.crm.capabilities.includes('tasks')) buttons.push(button({ text: labels.crmTask, actionId: cardActions.openTask, value }));
  buttons.push(button({ text: labels.edit, actionId: cardActions.edit, value }));
  buttons.push(button({ text: labels.dismiss, actionId: cardActions.dismiss, value, style: 'danger' }));
  return buttons;
}
