import type { Context } from 'koa';

const RETRY_AFTER_SECONDS = 30;
const retryLater = 'temporarily unavailable, try again in a minute';

/**
 * The answer when a dependency (the database) is down: fast, honest, and in the form each caller
 * can use. Slack only shows a slash command's answer when it is a 200, so the rep gets an
 * ephemeral "nothing was done, try again" there; every other caller gets a 503 with Retry-After
 * (Slack shows its own error on a refused click, and redelivers events; Fathom redelivers webhooks).
 */
export function answerUnavailable(ctx: Context): void {
  if (ctx.method === 'POST' && ctx.path === '/slack/commands') {
    ctx.status = 200;
    ctx.body = { response_type: 'ephemeral', text: `⚠️ Follow-up is ${retryLater}. Nothing was started.` };
    return;
  }
  ctx.status = 503;
  ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
  ctx.body = { error: retryLater };
}
