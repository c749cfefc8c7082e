import type { Context } from 'koa';
import { crmProviderNames, type CrmProviderName } from '../../domain/crm';
import type { Tenant } from '../../entities';
import { disconnectActions } from '../../slack/action-ids';
import { actorFor } from './actors';
import { afterResponse } from '../http/after-response';
import { publishAppHome } from './publish-app-home';
import { removeCrmConnection, removeRepConnection } from '../connections/connections-store';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackAction, SlackInteraction } from '../slack/slack-payload';

/**
 * App Home's Disconnect buttons: a rep removes their own Fathom or Google connection, an admin
 * one of the workspace's CRMs. The credentials are deleted from the secret store at once.
 */
const disconnectButtonIds = new Set<string>(Object.values(disconnectActions));

export function isDisconnectButton(actionId: string): boolean {
  return disconnectButtonIds.has(actionId);
}

export async function handleDisconnectClick(ctx: Context, deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction, action: SlackAction): Promise<void> {
  const slackUserId = payload.user.id;
  let removed = false;
  if (action.action_id === disconnectActions.fathom) removed = await removeRepConnection(deps, tenant.id, slackUserId, 'fathom');
  if (action.action_id === disconnectActions.google) removed = await removeRepConnection(deps, tenant.id, slackUserId, 'google');
  if (action.action_id === disconnectActions.crm) {
    const provider = crmProviderNames.find((name) => name === action.value) as CrmProviderName | undefined;
    // The button is only shown to admins; the role is checked again here.
    if (provider && (await actorFor(deps.orm, tenant, slackUserId)).isAdmin) removed = await removeCrmConnection(deps, tenant.id, slackUserId, provider);
  }
  if (!removed) return;
  deps.logger.info('Connection removed', { tenantId: tenant.id, action: action.action_id, provider: action.value });
  afterResponse(ctx, deps.logger, 'Republishing App Home', () => publishAppHome(deps, tenant, slackUserId));
}
