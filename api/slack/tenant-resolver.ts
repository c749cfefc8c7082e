import { acrossTenants } from '../../db/tenant-scope';
import type { Orm } from '../../db/orm';
import { Tenant } from '../../entities';

/**
 * Maps a verified Slack workspace to its tenant. Enterprise Grid org-wide installs are keyed
 * on the enterprise id; everything else on the team id. Inactive tenants resolve to nothing.
 */
export async function resolveTenant(orm: Orm, workspace: { teamId?: string; enterpriseId?: string }): Promise<Tenant | null> {
  if (!workspace.teamId && !workspace.enterpriseId) return null;
  return acrossTenants(orm, async (em) => {
    const candidates = await em.find(Tenant, {
      $or: [
        ...(workspace.teamId ? [{ slackTeamId: workspace.teamId }] : []),
        ...(workspace.enterpriseId ? [{ slackTeamId: workspace.enterpriseId }] : []),
      ],
      status: 'active',
    });
    return candidates.find((tenant) => tenant.slackTeamId === workspace.teamId) ?? candidates[0] ?? null;
  });
}
