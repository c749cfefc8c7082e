/**
 * Signed Slack requests as Slack sends them (v0 signature over the exact body bytes), for the
 * benchmarks and the hostile-request drill.
 */
import { randomUUID } from 'node:crypto';
import type { SlackEmulator } from '../../emulators/slack-emulator';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../../emulators/slack-request-signer';
import { cardActions } from '../../slack/action-ids';

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ClickTarget {
  tenantId: string;
  teamId: string;
  userId: string;
  channelId: string;
  recordingId: string;
}

/** A click on the card ("Log to CRM" unless told); `responseId` names its response_url so a rejection can be found afterwards. */
export function signedClick(signingSecret: string, slack: SlackEmulator, target: ClickTarget, responseId: string, actionId: string = cardActions.logNote): SignedRequest {
  const body = blockActionsBody({
    type: 'block_actions',
    team: { id: target.teamId, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    user: { id: target.userId, team_id: target.teamId },
    trigger_id: `${Date.now()}.${randomUUID()}`,
    response_url: slack.responseUrlFor(responseId),
    container: { type: 'message', channel_id: target.channelId, message_ts: '1' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'followup_actions', value: target.recordingId, action_ts: String(Date.now() / 1000) }],
  });
  return { path: '/slack/interactions', headers: { ...signSlackRequest({ signingSecret, body }).headers }, body };
}

export function signedFollowupCommand(signingSecret: string, slack: SlackEmulator, target: Omit<ClickTarget, 'recordingId' | 'tenantId'>, text: string): SignedRequest {
  const body = slashCommandBody({
    command: '/followup',
    text,
    team_id: target.teamId,
    user_id: target.userId,
    channel_id: target.channelId,
    trigger_id: slack.issueTriggerId(),
    response_url: slack.responseUrlFor(randomUUID()),
  });
  return { path: '/slack/commands', headers: { ...signSlackRequest({ signingSecret, body }).headers }, body };
}

/**
 * The idempotency marker every CRM note carries (activities/log-crm-note.ts: key
 * `<workflowId>:note`, workflow id `meeting:<tenantId>:<recordingId>`): tells whose note it is.
 */
export const noteMarker = /meeting:[0-9a-f-]+:(\d+):note/;
