import type { KnownBlock } from '@slack/types';
import { cardActions } from './action-ids';
import { button, context, divider, escapeMrkdwn, section, truncate } from './block-kit';

export interface MeetingNeedingAttentionView {
  recordingId: string;
  /** Unknown when the meeting's record is gone (its transcript purged with it, or another rep's row not found). */
  title: string | undefined;
  crmSyncFailed: boolean;
  /** The meeting's history in the Temporal Web UI, through the operator listener. */
  operatorUrl: string;
}

/**
 * App Home's "Needs attention" for admins: the workspace's meetings that stopped on a failure,
 * each with the card's own Retry (same action id and value, so the same handler and checks) and
 * a link for an operator. `undefined` meetings: Temporal did not answer in time.
 */
export function needsAttentionBlocks(meetings: MeetingNeedingAttentionView[] | undefined): KnownBlock[] {
  const blocks: KnownBlock[] = [divider(), section('*Needs attention* (admins only)')];
  if (!meetings) return [...blocks, context(['The list of failed meetings is unavailable right now; open the Home tab again in a minute.'])];
  if (meetings.length === 0) return [...blocks, context(['Nothing is stuck: every running follow-up of the workspace is fine.'])];
  for (const meeting of meetings) {
    const title = meeting.title ? escapeMrkdwn(truncate(meeting.title, 200)) : `Recording ${escapeMrkdwn(meeting.recordingId)}`;
    const problem = meeting.crmSyncFailed ? '⚠️ CRM sync failed' : '⚠️ Stopped on a failure';
    blocks.push(
      section(`*${title}*\n${problem}`, button({ text: 'Retry', actionId: cardActions.retry, value: meeting.recordingId })),
      context([`<${meeting.operatorUrl}|Open its history in Temporal> (operators)`]),
    );
  }
  return blocks;
}
