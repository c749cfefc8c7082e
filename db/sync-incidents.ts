import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrmProviderName } from '../domain/crm';
import { SyncIncident } from '../entities';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

/** Failures this close to an incident's first one belong to it; later ones open a new incident (and a new DM). */
export const incidentWindowMs = 30 * 60 * 1000;

export interface FailedSync {
  tenantId: string;
  provider: CrmProviderName;
  reason: string;
  message: string;
  workflowId: string;
  at: Date;
}

/**
 * Adds a failed sync to the open incident of its provider and reason (opening one if none is
 * open) and runs `notify` on it before the row is saved, all in one transaction.
 *
 * Why a row per incident in Postgres rather than a per-tenant Temporal workflow collecting
 * failures: the DM's state (who got which message) is plain data the API may read too, and a
 * transaction-scoped advisory lock per (tenant, provider, reason) gives the one guarantee needed,
 * that meetings failing at the same moment find the same incident and its DMs, without a
 * long-running workflow per tenant to start, version and clean up. The lock is held while
 * `notify` talks to Slack, so a second failure waits for the first DM's ts instead of posting another.
 */
export async function recordFailedSync(
  orm: Orm,
  failure: FailedSync,
  notify: (incident: SyncIncident, em: EntityManager) => Promise<void>,
): Promise<SyncIncident> {
  return inTenant(orm, failure.tenantId, async (em) => {
    const lockKey = `sync-incident:${failure.tenantId}:${failure.provider}:${failure.reason}`;
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [lockKey]);
    const open = await em.findOne(
      SyncIncident,
      { provider: failure.provider, reason: failure.reason, closedAt: null, openedAt: { $gte: new Date(failure.at.getTime() - incidentWindowMs) } },
      { orderBy: { openedAt: 'desc' } },
    );
    const incident =
      open ??
      Object.assign(new SyncIncident(), { tenantId: failure.tenantId, provider: failure.provider, reason: failure.reason, openedAt: failure.at });
    incident.message = failure.message;
    if (!incident.workflowIds.includes(failure.workflowId)) incident.workflowIds = [...incident.workflowIds, failure.workflowId];
    await notify(incident, em);
    em.persist(incident);
    return incident;
  });
}

/** An admin retried the incident's meetings: it stops collecting failures. False when it is unknown or already closed. */
export async function closeSyncIncident(orm: Orm, tenantId: string, incidentId: string, at: Date): Promise<boolean> {
  return inTenant(orm, tenantId, async (em) => {
    const closed = await em.nativeUpdate(SyncIncident, { id: incidentId, closedAt: null }, { closedAt: at });
    return closed > 0;
  });
}
