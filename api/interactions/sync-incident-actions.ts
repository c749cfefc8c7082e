import { appendAudit } from '../../db/audit';
import { closeSyncIncident } from '../../db/sync-incidents';
import { inTenant } from '../../db/tenant-scope';
import { actorFor } from './actors';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { replyEphemeral } from '../slack/slack-replies';
import type { SlackClick } from '../slack/slack-request';

/**
 * "Retry all" on the admins' DM about failed CRM syncs: every running meeting of the workspace
 * whose sync failed gets the retry signal, on the clicking admin's behalf, and the audit log says
 * who asked and which meetings it reached. Only admins: it acts on every rep's meetings.
 */
export async function retryAllFailedSyncs(deps: Pick<ApiDependencies, 'orm' | 'gateway' | 'secrets' | 'slack' | 'logger'>, click: SlackClick): Promise<void> {
  const { tenant, payload, action } = click;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  const reply = (text: string) =>
    afterResponse(click.ctx, deps.logger, 'Answering Retry all', () =>
      replyEphemeral(deps, tenant, { responseUrl: payload.response_url, channelId: payload.container?.channel_id, userId: actor.slackUserId }, text),
    );
  if (!actor.isAdmin) return reply('Only a workspace admin can retry every failed CRM sync.');
  const workflowIds = await deps.gateway.retryFailedSyncs(tenant, actor.slackUserId);
  if (action.value && isUuid(action.value)) await closeSyncIncident(deps.orm, tenant.id, action.value, new Date());
  await inTenant(deps.orm, tenant.id, async (em) => {
    appendAudit(em, {
      tenantId: tenant.id,
      actor: actor.slackUserId,
      action: 'crm-sync.retry-all',
      target: action.value ?? null,
      result: 'attempt',
      detail: { workflowIds },
    });
  });
  reply(workflowIds.length === 0 ? 'No meeting is waiting for a CRM retry.' : `Retrying the CRM note of ${workflowIds.length} meeting${workflowIds.length === 1 ? '' : 's'}.`);
}

/** The button's value is an incident id; anything else (a forged value) must not reach a uuid column. */
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
