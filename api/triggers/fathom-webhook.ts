import type { Context } from 'koa';
import { storeRecordedMeeting } from '../../db/meeting-records';
import { ExternalServiceError } from '../../domain/service-errors';
import { parseFathomWebhookMeeting, verifyFathomWebhook, type FathomWebhookHeaders } from '../../clients/fathom-webhook';
import type { RecordedMeeting } from '../../domain/meeting';
import { tenantOfUser } from '../../db/tenant-directory';
import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord, Tenant, User } from '../../entities';
import { secretNames } from '../../secrets/secret-store';
import type { ApiDependencies } from '../http/dependencies';
import { firstDelivery, releaseDelivery } from '../../db/inbound-deliveries';

const deliverySource = 'fathom-webhook';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Fathom's "new meeting content ready" webhook, registered per rep at
 * `/webhooks/fathom/<user id>`. The path only says whose secret to check: tenant and rep come
 * from the user row once the signature over the raw body proves the delivery is Fathom's.
 * Each webhook-id is handled once; the meeting's workflow then runs exactly as for /followup.
 */
export function fathomWebhookHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const owner = await webhookOwner(deps, String(ctx.params.userId ?? ''));
    const secret = owner ? await deps.secrets.get(secretNames.fathomWebhookSecret(owner.tenant.id, owner.user.id)) : null;
    const rawBody = ctx.state.rawBody as Buffer | undefined;
    // Unknown rep, no secret, bad signature: all look the same to the caller.
    const verification =
      owner && secret && rawBody
        ? verifyFathomWebhook({ secret, headers: webhookHeaders(ctx), rawBody, now: deps.now?.() })
        : { ok: false as const, reason: 'no webhook secret for this path' };
    if (!verification.ok || !owner) {
      deps.logger.warn('Refused Fathom webhook', { reason: verification.ok ? 'unknown owner' : verification.reason });
      ctx.status = 401;
      ctx.body = { error: 'invalid signature' };
      return;
    }

    let meeting: RecordedMeeting;
    try {
      meeting = parseFathomWebhookMeeting(JSON.parse(rawBody!.toString('utf8')));
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof ExternalServiceError)) throw error;
      deps.logger.warn('Unreadable Fathom webhook', { tenantId: owner.tenant.id, reason: error.message });
      ctx.status = 400;
      ctx.body = { error: 'not a Fathom meeting' };
      return;
    }

    if (!(await firstDelivery(deps.orm, deliverySource, verification.webhookId))) {
      ctx.status = 200;
      ctx.body = { ok: true, duplicate: true };
      return;
    }
    try {
      await startFromWebhook(deps, owner, meeting);
      ctx.status = 200;
      ctx.body = { ok: true };
    } catch (error) {
      // Fathom redelivers with the same webhook-id; forget it so that redelivery does the work.
      await releaseDelivery(deps.orm, deliverySource, verification.webhookId);
      deps.logger.error('Could not start meeting workflow from Fathom webhook', { tenantId: owner.tenant.id, error });
      ctx.status = 503;
      ctx.body = { error: 'temporarily unavailable' };
    }
  };
}

function webhookHeaders(ctx: Context): FathomWebhookHeaders {
  return { 'webhook-id': ctx.get('webhook-id'), 'webhook-timestamp': ctx.get('webhook-timestamp'), 'webhook-signature': ctx.get('webhook-signature') };
}

interface WebhookOwner {
  tenant: Tenant;
  user: User;
}

/** The rep named by the path, and their tenant while it is installed. */
async function webhookOwner(deps: ApiDependencies, userId: string): Promise<WebhookOwner | null> {
  if (!uuidPattern.test(userId)) return null;
  const tenantId = await tenantOfUser(deps.orm, userId);
  if (!tenantId) return null;
  return inTenant(deps.orm, tenantId, async (em) => {
    const user = await em.findOne(User, { id: userId });
    const tenant = user ? await em.findOne(Tenant, { id: tenantId, status: 'active' }) : null;
    return user && tenant ? { tenant, user } : null;
  });
}

/**
 * Keeps the transcript Fathom just sent, so loadMeeting need not ask Fathom again, unless the
 * meeting is already stored (a /followup got there first). Without a transcript nothing is
 * stored and loadMeeting fetches it with the rep's Fathom key.
 */
async function startFromWebhook(deps: ApiDependencies, owner: WebhookOwner, meeting: RecordedMeeting): Promise<void> {
  const { tenant, user } = owner;
  const workflowId = deps.gateway.workflowId(tenant, meeting.recordingId);
  if (meeting.transcript.length > 0) {
    const stored = await inTenant(deps.orm, tenant.id, (em) => em.findOne(MeetingRecord, { recordingId: meeting.recordingId }));
    if (!stored?.transcriptSha256) {
      await storeRecordedMeeting(deps.orm, { tenantId: tenant.id, recordingId: meeting.recordingId, repSlackUserId: user.slackUserId, workflowId }, meeting);
    }
  }
  const started = await deps.gateway.startMeeting(tenant, { recordingId: meeting.recordingId, repSlackUserId: user.slackUserId, trigger: 'fathom-webhook' });
  // Over the plan's quota: Fathom's delivery was fine, so it is acknowledged and not retried.
  if (started.refusal) deps.logger.warn('Fathom webhook meeting not started', { tenantId: tenant.id, reason: started.refusal });
}
