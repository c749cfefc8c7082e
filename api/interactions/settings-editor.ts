import { callSlack } from '../../clients/slack-client';
import { appendAudit } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, Tenant, type TenantSettings } from '../../entities';
import { settingsModal } from '../../slack/action-ids';
import { readSettingsSubmission, renderSettingsModal, type SettingsChoice } from '../../slack/settings-modal';
import { actorFor } from './actors';
import type { HomeChange } from './publish-app-home';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackClick, SlackSubmission, SubmissionAnswer } from '../slack/slack-request';
import { slackClientForTenant, type SlackAccess } from '../slack/slack-replies';

const adminsOnly = 'Only workspace admins can change these settings.';

type ChangedValue = { from: unknown; to: unknown };

/** "Edit settings" in App Home: the modal, for admins (the button is only shown to them, and checked again here). */
export async function openSettingsModal(deps: Pick<ApiDependencies, 'orm'> & SlackAccess, click: SlackClick): Promise<void> {
  const { tenant, payload } = click;
  if (!payload.trigger_id) return;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  if (!actor.isAdmin) return;
  const connections = await inTenant(deps.orm, tenant.id, (em) => em.find(CrmConnection, {}, { orderBy: { createdAt: 'asc' } }));
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  const view = renderSettingsModal(tenant.settings, connections.map(({ id, provider, isDefault }) => ({ id, provider, isDefault })));
  await callSlack(() => slack.views.open({ trigger_id: payload.trigger_id!, view }));
}

/**
 * The settings modal's Save: field errors keep the modal open; a valid form is saved (with an
 * audit row) and closes it.
 */
export async function submitSettings(deps: Pick<ApiDependencies, 'orm' | 'tenants' | 'logger'>, submission: SlackSubmission): Promise<HomeChange<SubmissionAnswer>> {
  const { tenant, payload } = submission;
  const firstField = settingsModal.fields.language.block;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  if (!actor.isAdmin) return { answer: { response_action: 'errors', errors: { [firstField]: adminsOnly } }, changed: false };
  const connectionIds = await inTenant(deps.orm, tenant.id, async (em) => (await em.find(CrmConnection, {})).map((connection) => connection.id));
  const read = readSettingsSubmission(submission.view.state?.values ?? {}, connectionIds);
  if (!read.ok) return { answer: { response_action: 'errors', errors: read.errors }, changed: false };
  const changed = await saveTenantSettings(deps, tenant.id, payload.user.id, read.choice);
  // The next click in this process sees the new settings, without waiting for Postgres' notice.
  deps.tenants.forget(tenant.id);
  deps.logger.info('Workspace settings saved', { tenantId: tenant.id, changed });
  return { answer: '', changed: true };
}

/**
 * Saves an admin's settings, records what changed ('settings.changed') and names the changed
 * settings. The default CRM is the connection flagged isDefault (what the activities read); the
 * provider is mirrored in the settings so both say the same. Meetings already running keep the
 * settings they started with.
 */
async function saveTenantSettings(
  deps: Pick<ApiDependencies, 'orm'>,
  tenantId: string,
  actorSlackUserId: string,
  choice: SettingsChoice,
): Promise<string[]> {
  return inTenant(deps.orm, tenantId, async (em) => {
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    const connections = await em.find(CrmConnection, {});
    const chosenCrm = connections.find((connection) => connection.id === choice.defaultCrmConnectionId);
    const previousDefault = connections.find((connection) => connection.isDefault);
    const next: TenantSettings = {
      ...tenant.settings,
      language: choice.language,
      tone: choice.tone,
      autoLogPolicy: choice.autoLogPolicy,
      nudgeAfterHours: choice.nudgeAfterHours,
      expireAfterDays: choice.expireAfterDays,
      ...(chosenCrm ? { defaultCrm: chosenCrm.provider } : {}),
    };
    const changes: Record<string, ChangedValue> = {};
    for (const key of ['language', 'tone', 'autoLogPolicy', 'nudgeAfterHours', 'expireAfterDays', 'defaultCrm'] as const) {
      if (tenant.settings[key] !== next[key]) changes[key] = { from: tenant.settings[key] ?? null, to: next[key] ?? null };
    }
    if (chosenCrm && chosenCrm.id !== previousDefault?.id) {
      changes.defaultCrmConnection = { from: previousDefault?.id ?? null, to: chosenCrm.id };
      // One default per tenant (unique index): clear the old flag before setting the new one.
      await em.nativeUpdate(CrmConnection, { tenantId, isDefault: true }, { isDefault: false });
      await em.nativeUpdate(CrmConnection, { tenantId, id: chosenCrm.id }, { isDefault: true });
    }
    if (Object.keys(changes).length === 0) return [];
    tenant.settings = next;
    appendAudit(em, { tenantId, actor: actorSlackUserId, action: 'settings.changed', target: tenantId, result: 'success', detail: { changes } });
    return Object.keys(changes);
  });
}
