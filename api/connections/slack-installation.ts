import type { SlackInstallation } from '../../clients/slack-oauth';
import { appendAudit } from '../../db/audit';
import { tenantOfSlackId } from '../../db/tenant-directory';
import { inTenant } from '../../db/tenant-scope';
import { Tenant, User } from '../../entities';
import { secretNames } from '../../secrets/secret-store';
import type { ApiDependencies } from '../http/dependencies';

/**
 * Makes a finished Slack install real: the tenant (new, or the same one reactivated after an
 * uninstall, so its settings and connections come back), its bot token in the secret store,
 * the first installer as an admin, and an audit row.
 */
export async function recordSlackInstallation(
  deps: Pick<ApiDependencies, 'orm' | 'secrets'>,
  install: SlackInstallation,
  now: Date,
): Promise<{ tenant: Tenant; reinstalled: boolean }> {
  const existing = await tenantOfSlackId(deps.orm, install.installationId);
  const tenantId = existing?.tenantId ?? new Tenant().id;
  const botTokenSecretRef = secretNames.slackBotToken(tenantId);
  // The token is stored before the tenant turns active, so an active tenant always has one.
  await deps.secrets.put(botTokenSecretRef, install.botToken);
  return inTenant(deps.orm, tenantId, async (em) => {
    const tenant = (await em.findOne(Tenant, { id: tenantId })) ?? Object.assign(new Tenant(), { id: tenantId, slackTeamId: install.installationId });
    const previousStatus = existing?.status ?? null;
    Object.assign(tenant, {
      name: install.name.slice(0, 255),
      slackEnterpriseId: install.enterpriseId,
      status: 'active',
      deletedAt: null,
      botTokenSecretRef,
      installedAt: now,
    });
    // Users and audit rows reference the tenant row, so it is written first.
    await em.persistAndFlush(tenant);
    const installer =
      (await em.findOne(User, { slackUserId: install.installerUserId })) ??
      Object.assign(new User(), { tenantId, slackUserId: install.installerUserId });
    // The first installer administers the app. A reinstall (any member Slack lets install apps)
    // keeps the roles the workspace already has, so it is no way to become an admin.
    if (!existing) installer.role = 'admin';
    em.persist(installer);
    appendAudit(em, {
      tenantId,
      actor: install.installerUserId,
      action: 'tenant.installed',
      target: install.installationId,
      result: 'success',
      detail: {
        previousStatus,
        enterpriseInstall: install.isEnterpriseInstall,
        teamId: install.teamId,
        enterpriseId: install.enterpriseId,
        scope: install.scope,
      },
    });
    return { tenant, reinstalled: existing !== null };
  });
}
