import type { Context } from 'koa';
import type { ApiDependencies } from '../http/dependencies';
import { firstDelivery, releaseDelivery } from '../../db/inbound-deliveries';
import type { SlackRequestState } from './slack-request';

const deliverySource = 'slack-event';

/**
 * Events API: answers the URL check, and handles each event once even when Slack redelivers
 * it (retries after a slow answer, marked X-Slack-Retry-Num, carry the same event_id). When the
 * work cannot be handed over, the event id is released and Slack is asked to try again.
 */
export function slackEventsHandler(deps: ApiDependencies, onEvent: (state: SlackRequestState, ctx: Context) => Promise<void>) {
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
    if (!envelope.event_id || !(await firstDelivery(deps.orm, deliverySource, envelope.event_id))) return;
    try {
      await onEvent(slack, ctx);
    } catch (error) {
      await releaseDelivery(deps.orm, deliverySource, envelope.event_id);
      deps.logger.error('Could not handle Slack event', { type: envelope.event?.type, tenantId: slack.tenant?.id, retryNumber: slack.retryNumber, error });
      ctx.status = 503;
      ctx.body = { error: 'temporarily unavailable' };
    }
  };
}
