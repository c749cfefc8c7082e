import type { Context } from 'koa';
import type { Tenant } from '../../entities';
import type { OffboardReason } from '../../workflows/offboard-tenant-types';
import { afterResponse } from '../http/after-response';
import { publishAppHome } from './publish-app-home';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackEventEnvelope } from '../slack/slack-payload';
import type { SlackRequestState } from '../slack/slack-request';

/**
 * What each Events API event does. Uninstalls start the offboarding workflow before Slack gets
 * its answer (so a failure makes Slack retry); the Home tab is rendered after the answer.
 * Events of a workspace that is no longer installed need nothing and are only acknowledged.
 */
export function handleSlackEvent(deps: ApiDependencies) {
  return async (slack: SlackRequestState, ctx: Context): Promise<void> => {
    if (slack.body.kind !== 'event' || !slack.tenant) return;
    const envelope = slack.body.envelope;
    const event = envelope.event;
    const tenant = slack.tenant;
    switch (event?.type) {
      case 'app_uninstalled':
        return offboard(deps, tenant, 'app_uninstalled', envelope);
      case 'tokens_revoked':
        // User tokens are never stored here; only the bot token's end uninstalls the app.
        if ((event.tokens?.bot ?? []).length > 0) return offboard(deps, tenant, 'tokens_revoked', envelope);
        return;
      case 'app_home_opened': {
        const userId = event.user;
        if (event.tab !== 'home' || !userId) return;
        afterResponse(ctx, deps.logger, 'Publishing App Home', () => publishAppHome(deps, tenant, userId));
        return;
      }
      default:
        return;
    }
  };
}

async function offboard(deps: ApiDependencies, tenant: Tenant, reason: OffboardReason, envelope: SlackEventEnvelope): Promise<void> {
  // event_time has whole seconds: take the end of that second, so an install made earlier in the
  // same second still counts as older (a real reinstall takes far longer than a second).
  const uninstalledAt = new Date(envelope.event_time ? envelope.event_time * 1000 + 999 : (deps.now?.() ?? Date.now()));
  await deps.gateway.offboard(tenant, { reason, uninstalledAt });
  // The worker turns the tenant inactive shortly; until then it is read afresh here at each request.
  deps.tenants.forget(tenant.id);
  deps.logger.info('Tenant offboarding started', { tenantId: tenant.id, reason });
}
