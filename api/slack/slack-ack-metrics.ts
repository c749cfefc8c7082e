import type { Middleware } from 'koa';
import { slackAckSeconds } from '../../runtime/metrics';

/** The routes Slack calls and waits on (3 s at most); only these fixed paths become label values. */
const slackRoutes = new Set(['/slack/interactions', '/slack/commands', '/slack/events']);

/**
 * Times every answer to Slack, outermost, so refusals and database outages are measured with
 * the status Slack actually got: ok (< 400), refused (other 4xx), unavailable (503), error (5xx).
 */
export function timingSlackAcks(): Middleware {
  return async (ctx, next) => {
    if (!slackRoutes.has(ctx.path)) return next();
    const stopTimer = slackAckSeconds.startTimer({ route: ctx.path });
    try {
      await next();
    } finally {
      stopTimer({ outcome: outcomeOf(ctx.status) });
    }
  };
}

function outcomeOf(status: number): string {
  if (status < 400) return 'ok';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'refused' : 'error';
}
