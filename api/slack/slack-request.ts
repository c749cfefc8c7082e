import { trace } from '@opentelemetry/api';
import type { Context, Middleware } from 'koa';
import type { Orm } from '../../db/orm';
import type { Tenant } from '../../entities';
import type { Logger } from '../../runtime/logger';
import { firstDelivery } from '../../db/inbound-deliveries';
import { claimedWorkspace, parseSlackBody, SlackPayloadError, type SlackAction, type SlackBody, type SlackInteraction, type SlackView } from './slack-payload';
import { verifySlackSignature } from './slack-signature';
import type { TenantDirectoryCache } from '../../db/tenant-directory-cache';

export interface SlackRequestState {
  body: SlackBody;
  /** Null only for events that need no tenant (url_verification) or arrive after uninstall. */
  tenant: Tenant | null;
  /** X-Slack-Retry-Num, for logs only: it is not signed, so nothing may depend on it. */
  retryNumber: number;
}

/** A verified click, as the handler of its action id sees it. */
export interface SlackClick {
  ctx: Context;
  tenant: Tenant;
  payload: SlackInteraction;
  action: SlackAction;
}

/** A verified modal submission, as the handler of its callback id sees it. */
export interface SlackSubmission {
  ctx: Context;
  tenant: Tenant;
  payload: SlackInteraction;
  view: SlackView;
}

/** A verified options load (block_suggestion): what the user typed in an external select. */
export interface SlackSuggestion {
  ctx: Context;
  tenant: Tenant;
  payload: SlackInteraction;
}

/** What Slack takes as a submission's answer: '' closes the modal, `errors` keeps it open. */
export type SubmissionAnswer = Record<string, unknown> | '';

/**
 * The one verification path for every Slack route: signature over the raw bytes, then parse,
 * then tenant from the verified payload. Nothing downstream runs on an unverified request.
 */
export function verifiedSlackRequest(options: {
  signingSecret: string;
  orm: Orm;
  tenants: TenantDirectoryCache;
  logger: Logger;
  now?: () => number;
  allowUnknownTenant?: (body: SlackBody) => boolean;
}): Middleware {
  const now = options.now ?? (() => Date.now());
  return async (ctx, next) => {
    const rawBody = ctx.state.rawBody as Buffer | undefined;
    if (!rawBody) {
      ctx.status = 400;
      return;
    }
    const check = verifySlackSignature({
      signingSecret: options.signingSecret,
      timestampHeader: ctx.get('x-slack-request-timestamp') || undefined,
      signatureHeader: ctx.get('x-slack-signature') || undefined,
      rawBody,
      nowSeconds: Math.floor(now() / 1000),
    });
    if (!check.ok) {
      options.logger.warn('Refused Slack request', { reason: check.reason, path: ctx.path });
      ctx.status = 401;
      ctx.body = { error: 'invalid signature' };
      return;
    }
    // A signature is good for 5 minutes; seen once, it is a replay, whatever else the request
    // says. Slack signs each redelivery afresh (new timestamp), and the event_id
    // de-duplication in slack-events.ts keeps a redelivered event from being handled twice.
    if (!(await firstDelivery(options.orm, 'slack-signature', ctx.get('x-slack-signature')))) {
      options.logger.warn('Refused replayed Slack request', { path: ctx.path });
      ctx.status = 409;
      ctx.body = { error: 'replayed request' };
      return;
    }
    let body: SlackBody;
    try {
      body = parseSlackBody(rawBody, ctx.get('content-type'));
    } catch (error) {
      if (!(error instanceof SlackPayloadError)) throw error;
      ctx.status = 400;
      ctx.body = { error: `malformed Slack payload: ${error.message}` };
      return;
    }
    if (body.kind === 'interaction' && body.payload.team?.id && body.payload.user.team_id && !body.payload.is_enterprise_install) {
      if (body.payload.team.id !== body.payload.user.team_id) {
        ctx.status = 403;
        ctx.body = { error: 'workspace mismatch' };
        return;
      }
    }
    const tenant = await options.tenants.tenantFor(claimedWorkspace(body));
    if (!tenant && !options.allowUnknownTenant?.(body)) {
      ctx.status = 403;
      ctx.body = { error: 'This workspace has not installed the app.' };
      return;
    }
    // The tenant id is the one identifier a trace carries (api/http/request-spans.ts).
    if (tenant) trace.getActiveSpan()?.setAttribute('tenant.id', tenant.id);
    const retryNumber = Number.parseInt(ctx.get('x-slack-retry-num'), 10) || 0;
    const state: SlackRequestState = { body, tenant, retryNumber };
    ctx.state.slack = state;
    return next();
  };
}
