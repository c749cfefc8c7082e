import Router from '@koa/router';
import Koa from 'koa';
import type { ApiDependencies } from './dependencies';
import { rawBody } from './raw-body';
import { fathomWebhookHandler } from './routes/fathom-webhook';
import { healthHandler } from './routes/health';
import { slackCommandsHandler } from './routes/slack-commands';
import { slackEventsHandler } from './routes/slack-events';
import { slackInteractionsHandler } from './routes/slack-interactions';
import { verifiedSlackRequest } from './slack-request';

/**
 * The thin HTTP edge: verify, parse, resolve the tenant, hand the work to Temporal, answer.
 * Errors never leak internals to callers; they are logged with a request id instead.
 */
export function createApiApp(deps: ApiDependencies): Koa {
  const app = new Koa({ proxy: true });
  const router = new Router();
  const slackVerified = verifiedSlackRequest({
    signingSecret: deps.slack.signingSecret,
    orm: deps.orm,
    logger: deps.logger,
    now: deps.now,
    allowUnknownTenant: (body) => body.kind === 'event' && body.envelope.type === 'url_verification',
  });

  app.use(async (ctx, next) => {
    const started = Date.now();
    try {
      await next();
    } catch (error) {
      deps.logger.error('Request failed', { path: ctx.path, method: ctx.method, error });
      ctx.status = 500;
      ctx.body = { error: 'Internal error' };
    } finally {
      ctx.set('x-response-time-ms', String(Date.now() - started));
    }
  });
  app.use(rawBody(deps.maxBodyBytes));

  router.get('/healthz', healthHandler(deps));
  router.post('/slack/interactions', slackVerified, slackInteractionsHandler(deps));
  router.post('/slack/commands', slackVerified, slackCommandsHandler(deps));
  router.post('/slack/events', slackVerified, slackEventsHandler(deps, async () => undefined));
  router.post('/webhooks/fathom/:userId', fathomWebhookHandler(deps));

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
