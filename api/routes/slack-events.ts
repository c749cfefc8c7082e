import type { Context } from 'koa';
import type { ApiDependencies } from '../dependencies';
import { firstDelivery } from '../inbound-deliveries';
import type { SlackRequestState } from '../slack-request';

/**
 * Events API: answers the URL check, and handles each event once even when Slack redelivers
 * it (retries after a slow answer carry the same event_id).
 */
export function slackEventsHandler(deps: ApiDependencies, onEvent: (state: SlackRequestState) => Promise<void>) {
  return async (ctx: Context): Promise<void> => {
    const slack = ctx.state.slack as SlackRequestState;
    if (slack.body.kind !== 'event') {
      ctx.status = 400;
      return;
    }
    const envelope = slack.body.envelope;
    if (envelope.type === 'url_verification') {
      ctx.body = { challenge: envelope.challenge ?? '' };
      return;
    }
    ctx.status = 200;
    ctx.body = '';
    if (!envelope.event_id || !(await firstDelivery(deps.orm, 'slack-event', envelope.event_id))) return;
    await onEvent(slack);
  };
}
