import type { Context } from 'koa';
import type { Tenant } from '../../entities';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { openMeetingPicker } from './pick-meeting';
import { isSlackResponseUrl } from '../slack/slack-replies';
import type { SlackRequestState } from '../slack/slack-request';

const helpText = [
  '*/followup* — turn a recorded meeting into a CRM note, a Gmail draft and a follow-up event.',
  '• `/followup` — pick one of your Fathom meetings of the last two weeks.',
  '• `/followup <Fathom link or recording id>` — prepare the follow-up of that meeting here.',
  '• `/followup <link> --force` — prepare it even if every attendee is internal.',
  '• `/followup help` — this help.',
  'New recordings also arrive automatically once Fathom is connected in the app’s Home tab.',
].join('\n');

/** Fathom call links look like https://fathom.video/calls/123456789; a bare id works too. */
export function parseRecordingReference(text: string): string | null {
  const trimmed = text.trim();
  if (/^\d{1,20}$/.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    if (!/(^|\.)fathom\.(video|ai)$/.test(url.hostname)) return null;
    const match = /\/calls\/(\d{1,20})(?:\/|$)/.exec(url.pathname);
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * `/followup`: answers at once (ephemeral) and lets the workflow do the work. Without a link it
 * answers with nothing and opens the meeting picker right after the answer.
 */
export function slackCommandsHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const slack = ctx.state.slack as SlackRequestState;
    if (slack.body.kind !== 'command' || !slack.tenant) {
      ctx.status = 400;
      return;
    }
    const fields = slack.body.fields;
    const tenant = slack.tenant;
    ctx.status = 200;
    if (fields.command === '/followup' && (fields.text ?? '').trim() === '' && fields.trigger_id) {
      const picker = { userId: fields.user_id!, triggerId: fields.trigger_id, responseUrl: fields.response_url, channelId: fields.channel_id };
      afterResponse(ctx, deps.logger, 'Opening the meeting picker', () => openMeetingPicker(deps, tenant, picker));
      ctx.body = '';
      return;
    }
    ctx.body = await answerFollowup(deps, tenant, fields);
  };
}

async function answerFollowup(deps: ApiDependencies, tenant: Tenant, fields: Record<string, string>): Promise<Record<string, unknown>> {
  const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });
  if (fields.command !== '/followup') return ephemeral(`I don't know the command ${fields.command}. Try /followup help.`);
  const text = (fields.text ?? '').trim();
  if (text === '' || text === 'help') return ephemeral(helpText);
  const force = /\s--force$/.test(text);
  const recordingId = parseRecordingReference(text.replace(/\s--force$/, ''));
  if (!recordingId) {
    return ephemeral(`“${text.slice(0, 200)}” is not a Fathom meeting link or recording id.\n\n${helpText}`);
  }
  try {
    const started = await deps.gateway.startMeeting(tenant, {
      recordingId,
      repSlackUserId: fields.user_id!,
      channelId: fields.channel_id?.startsWith('D') ? undefined : fields.channel_id,
      responseUrl: fields.response_url && isSlackResponseUrl(fields.response_url, deps.slack.responseUrlOrigins) ? fields.response_url : undefined,
      trigger: 'slack-command',
      force,
    });
    if (started.refusal) return ephemeral(`⛔ ${started.refusal}`);
    // The card goes to the rep's DM with the app when the bot may not post in this channel (publish-card.ts).
    const where = fields.channel_id?.startsWith('D') ? 'in your DM with me' : 'here (or in your DM with me if I can’t post in this channel)';
    return ephemeral(
      started.alreadyProcessed
        ? `Recording ${recordingId} was already processed; its follow-up card is in your DMs or the channel it was posted to.`
        : `⏳ Preparing the follow-up of recording ${recordingId}… The card will appear ${where} in a moment.`,
    );
  } catch (error) {
    deps.logger.error('Could not start meeting workflow', { tenantId: tenant.id, error });
    return ephemeral('⚠️ I could not start processing right now. Please try again in a minute.');
  }
}
