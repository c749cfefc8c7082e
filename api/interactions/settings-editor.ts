import { callSlack } from '../../clients/slack-client';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, type Tenant } from '../../entities';
import { settingsModal } from '../../slack/action-ids';
import { readSettingsSubmission, renderSettingsModal } from '../../slack/settings-modal';
import { actorFor } from './actors';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackInteraction } from '../slack/slack-payload';
import { slackClientForTenant } from '../slack/slack-replies';
import { saveTenantSettings } from './tenant-settings';

const adminsOnly = 'Only workspace admins can change these settings.';

/** "Edit settings" in App Home: the modal, for admins (the button is only shown to them, and checked again here). */
export async function openSettingsModal(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<void> {
  if (!payload.trigger_id) return;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  if (!actor.isAdmin) return;
  const connections = await inTenant(deps.orm, tenant.id, (em) => em.find(CrmConnection, {}, { orderBy: { createdAt: 'asc' } }));
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  const view = renderSettingsModal(tenant.settings, connections.map(({ id, provider, isDefault }) => ({ id, provider, isDefault })));
  await callSlack(() => slack.views.open({ trigger_id: payload.trigger_id!, view: view as never }));
}

/**
 * The settings modal's Save: field errors keep the modal open; a valid form is saved (with an
 * audit row) and closes it. Returns what Slack expects as the submission's answer.
 */
export async function submitSettings(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<{ answer: Record<string, unknown> | ''; saved: boolean }> {
  const firstField = settingsModal.fields.language.block;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  if (!actor.isAdmin) return { answer: { response_action: 'errors', errors: { [firstField]: adminsOnly } }, saved: false };
  const connectionIds = await inTenant(deps.orm, tenant.id, async (em) => (await em.find(CrmConnection, {})).map((connection) => connection.id));
  const submission = readSettingsSubmission(payload.view?.state?.values ?? {}, connectionIds);
  if (!submission.ok) return { answer: { response_action: 'errors', errors: submission.errors }, saved: false };
  const { changed } = await saveTenantSettings(deps, tenant.id, payload.user.id, submission.choice);
  deps.logger.info('Workspace settings saved', { tenantId: tenant.id, changed });
  return { answer: '', saved: true };
}
