import Router from '@koa/router';
import Koa from 'koa';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { ApiDependencies } from './http/dependencies';
import { connectTargets, oauthConnectors } from './connections/oauth-connectors';
import { operatorAuthenticated } from './operator/operator-auth';
import { OperatorAttemptLimiter, operatorRateLimited } from './operator/operator-rate-limit';
import { rawBody } from './http/raw-body';
import { auditExportHandler } from './operator/audit-export';
import { codecHandler, codecLogin, codecLoginPage } from './operator/codec-server';
import { connectCallbackHandler, connectIdentityCallbackHandler, connectIdentityCallbackPath, connectStartHandler } from './connections/connect-routes';
import { fathomWebhookHandler } from './triggers/fathom-webhook';
import { livenessHandler, readinessHandler } from './http/health';
import { metricsHandler } from './operator/metrics-endpoint';
import { timingSlackAcks } from './slack/slack-ack-metrics';
import { slackCommandsHandler } from './triggers/slack-commands';
import { slackEventsHandler } from './slack/slack-events';
import { slackInstallHandler, slackOAuthCallbackHandler } from './connections/slack-install';
import { slackInteractionsHandler } from './interactions/slack-interactions';
import { handleSlackEvent } from './interactions/slack-event-handler';
import { verifiedSlackRequest } from './slack/slack-request';
import { temporalUiCors } from './operator/temporal-ui-cors';
import { isOperatorRoute, temporalUiProxy } from './operator/temporal-ui-proxy';
import { answerUnavailable } from './http/unavailable-answer';
import { tracingRequests } from './http/request-spans';

/**
 * The thin HTTP edge: verify, parse, resolve the tenant, hand the work to Temporal, answer.
 * Errors never leak internals to callers; they are logged with a request id instead.
 * The public, Slack-facing listener: no operator route is served here (see createOperatorApp).
 */
export function createApiApp(deps: ApiDependencies): Koa {
  const app = new Koa({ proxy: deps.trustProxy === true });
  const router = new Router();
  const slackVerified = verifiedSlackRequest({
    signingSecret: deps.slack.signingSecret,
    orm: deps.orm,
    tenants: deps.tenants,
    logger: deps.logger,
    now: deps.now,
    // Events still arrive for a workspace that just uninstalled; they are acknowledged, not refused.
    allowUnknownTenant: (body) => body.kind === 'event',
  });

  app.use(tracingRequests());
  app.use(timingSlackAcks());
  app.use(answeringErrors(deps));
  app.use(rawBody(deps.maxBodyBytes));

  router.get('/livez', livenessHandler());
  router.get('/readyz', readinessHandler(deps));
  // The endpoint before /livez and /readyz, kept for probes configured with it.
  router.get('/healthz', readinessHandler(deps));
  router.post('/slack/interactions', slackVerified, slackInteractionsHandler(deps));
  router.post('/slack/commands', slackVerified, slackCommandsHandler(deps));
  router.post('/slack/events', slackVerified, slackEventsHandler(deps, handleSlackEvent(deps)));
  router.get('/slack/install', slackInstallHandler(deps));
  router.get('/slack/oauth/callback', slackOAuthCallbackHandler(deps));
  router.post('/webhooks/fathom/:userId', fathomWebhookHandler(deps));
  for (const target of connectTargets) {
    const prefix = oauthConnectors[target].pathPrefix;
    router.get(`${prefix}/start`, connectStartHandler(deps, target));
    router.get(`${prefix}/callback`, connectCallbackHandler(deps, target));
  }
  router.get(connectIdentityCallbackPath, connectIdentityCallbackHandler(deps));

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * The operator routes (codec server for the Temporal Web UI and CLI, audit export, Prometheus'
 * /metrics) and, at every other path, the Temporal Web UI itself (TEMPORAL_UI_URL), on their own
 * internal listener (OPERATOR_HOST:OPERATOR_PORT) so the public port offers nothing to guess at.
 * Every request is rate-limited by client address before any credential is checked.
 */
export function createOperatorApp(deps: ApiDependencies & { operator: { token: string } }, limiter = new OperatorAttemptLimiter(undefined, deps.now)): Koa {
  // X-Forwarded-Proto (cookie flags) is believed only when a proxy is configured in front.
  const app = new Koa({ proxy: deps.operator.trustedProxies.length > 0 });
  const router = new Router();
  app.use(answeringErrors(deps));
  app.use(operatorRateLimited(limiter, deps.operator.trustedProxies));
  // Read here, not for the whole listener: the Web UI's requests are piped to its server untouched.
  const body = rawBody(deps.maxBodyBytes);

  const operator = operatorAuthenticated(deps.operator, limiter, deps.now);
  const uiCors = temporalUiCors(deps.operator.temporalUiOrigins);
  for (const direction of ['encode', 'decode'] as const) {
    router.options(`/codec/${direction}`, uiCors);
    router.post(`/codec/${direction}`, uiCors, operator, body, codecHandler(deps.payloadCodec, direction));
  }
  const uiUrl = deps.operator.temporalUiUrl;
  router.get('/codec/login', codecLoginPage());
  router.post('/codec/login', body, codecLogin(deps.operator, limiter, { landing: uiUrl ? '/' : undefined, now: deps.now }));
  router.get('/operator/tenants/:tenantId/audit-log', operator, auditExportHandler(deps));
  router.get('/metrics', metricsHandler());

  app.use(router.routes());
  app.use(router.allowedMethods());
  if (uiUrl) {
    const webUi = temporalUiProxy(uiUrl);
    const signedIn = operatorAuthenticated(deps.operator, limiter, deps.now, { signInBrowsers: true });
    app.use((ctx, next) => (isOperatorRoute(ctx.path) ? next() : signedIn(ctx, () => webUi(ctx, next))));
  }
  return app;
}

/** Errors never leak internals to callers; they are logged instead. A database outage is a 503. */
function answeringErrors(deps: ApiDependencies): Koa.Middleware {
  return async (ctx, next) => {
    const started = Date.now();
    try {
      await next();
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        deps.logger.warn('Database unavailable; request refused', { path: ctx.path, method: ctx.method, error });
        answerUnavailable(ctx);
      } else {
        deps.logger.error('Request failed', { path: ctx.path, method: ctx.method, error });
        ctx.status = 500;
        ctx.body = { error: 'Internal error' };
      }
    } finally {
      ctx.set('x-response-time-ms', String(Date.now() - started));
    }
  };
}
