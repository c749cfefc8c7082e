import { LockMode } from '@mikro-orm/core';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { Tenant } from '../entities';
import { secretNames } from '../secrets/secret-store';
import type { DeactivateTenantInput } from '../workflows/offboard-tenant-types';
import type { ActivityDependencies } from './dependencies';

/**
 * Turns the tenant inactive (so no Slack request or webhook resolves to it any more) and
 * deletes its bot token. Safe to repeat. Refuses when the workspace installed the app again
 * after the uninstall, so a late or redelivered event never undoes a fresh install.
 */
export function deactivateTenantActivity(deps: ActivityDependencies) {
  return async function deactivateTenant(input: DeactivateTenantInput): Promise<{ deactivated: boolean }> {
    const audit = { tenantId: input.tenantId, actor: 'system', target: input.tenantId, workflowId: input.workflowId };
    const outcome = await inTenant(deps.orm, input.tenantId, async (em) => {
      // Locked so a concurrent reinstall either finishes first (and is seen) or waits.
      const tenant = await em.findOne(Tenant, { id: input.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!tenant) return 'missing' as const;
      if (tenant.installedAt.getTime() > Date.parse(input.uninstalledAt)) {
        appendAudit(em, { ...audit, action: 'tenant.uninstall-ignored', result: 'success', detail: { reason: input.reason, uninstalledAt: input.uninstalledAt } });
        return 'reinstalled' as const;
      }
      if (tenant.status === 'active') {
        tenant.status = 'inactive';
        tenant.botTokenSecretRef = null;
        appendAudit(em, { ...audit, action: 'tenant.uninstalled', result: 'success', detail: { reason: input.reason, uninstalledAt: input.uninstalledAt } });
      }
      return 'inactive' as const;
    });
    if (outcome !== 'inactive') return { deactivated: false };
    await deps.secrets.delete(secretNames.slackBotToken(input.tenantId));
    await inTenant(deps.orm, input.tenantId, async (em) => {
      appendAudit(em, { ...audit, action: 'tenant.bot-token-deleted', result: 'success' });
    });
    return { deactivated: true };
  };
}
