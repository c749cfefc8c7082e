import type { Orm } from '../../db/orm';
import { tenantOfSlackId } from '../../db/tenant-directory';
import { inTenant } from '../../db/tenant-scope';
import { Tenant } from '../../entities';

/**
 * Maps a verified Slack workspace to its tenant. Enterprise Grid org-wide installs are keyed
 * on the enterprise id; everything else on the team id, which wins when both are installed.
 * Inactive tenants resolve to nothing.
 */
export async function resolveTenant(orm: Orm, workspace: { teamId?: string; enterpriseId?: string }): Promise<Tenant | null> {
  for (const slackId of [workspace.teamId, workspace.enterpriseId]) {
    if (!slackId) continue;
    const installed = await tenantOfSlackId(orm, slackId);
    if (installed?.status !== 'active') continue;
    const tenant = await inTenant(orm, installed.tenantId, (em) => em.findOne(Tenant, { id: installed.tenantId, status: 'active' }));
    if (tenant) return tenant;
  }
  return null;
}
