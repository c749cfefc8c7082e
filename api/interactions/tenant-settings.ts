import { appendAudit } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, Tenant, type TenantSettings } from '../../entities';
import type { SettingsChoice } from '../../slack/settings-modal';
import type { ApiDependencies } from '../http/dependencies';

type ChangedValue = { from: unknown; to: unknown };

/**
 * Saves an admin's settings and records what changed ('settings.changed'). The default CRM is
 * the connection flagged isDefault (what the activities read); the provider is mirrored in the
 * settings so both say the same. Meetings already running keep the settings they started with.
 */
export async function saveTenantSettings(
  deps: Pick<ApiDependencies, 'orm'>,
  tenantId: string,
  actorSlackUserId: string,
  choice: SettingsChoice,
): Promise<{ settings: TenantSettings; changed: string[] }> {
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
    if (Object.keys(changes).length === 0) return { settings: tenant.settings, changed: [] };
    tenant.settings = next;
    appendAudit(em, { tenantId, actor: actorSlackUserId, action: 'settings.changed', target: tenantId, result: 'success', detail: { changes } });
    return { settings: next, changed: Object.keys(changes) };
  });
}
