import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrmProvider } from '../clients/crm/crm-provider';
import { ExternalServiceError } from '../domain/service-errors';
import { inTenant } from '../db/tenant-scope';
import { CrmConnection } from '../entities';
import { crmErrors } from '../runtime/metrics';
import type { ActivityDependencies } from './dependencies';
import { notConfigured } from './failures';
import { crmProviderFor, defaultCrmConnection, type CrmConnectionInUse } from './tenant-services';

/**
 * Runs work against the tenant's CRM and keeps the connection's health honest: credentials
 * that no longer work flag it for reconnection (App Home shows it), success clears the flag.
 */
export async function withCrm<T>(
  deps: ActivityDependencies,
  tenantId: string,
  work: (provider: CrmProvider, connection: CrmConnectionInUse) => Promise<T>,
): Promise<T> {
  return withCrmConnection(deps, tenantId, await inTenant(deps.orm, tenantId, (em: EntityManager) => defaultCrmConnection(em)), work);
}

/** withCrm with the default connection already read (in the caller's own transaction). */
export async function withCrmConnection<T>(
  deps: ActivityDependencies,
  tenantId: string,
  connection: CrmConnectionInUse | null,
  work: (provider: CrmProvider, connection: CrmConnectionInUse) => Promise<T>,
): Promise<T> {
  if (!connection) throw notConfigured('Connect your CRM in the app’s Home tab first.');
  try {
    const result = await work(crmProviderFor(deps, connection), connection);
    if (connection.health !== 'ok') await setHealth(deps, tenantId, connection.id, 'ok', null);
    return result;
  } catch (error) {
    crmErrors.inc({ provider: connection.provider, kind: error instanceof ExternalServiceError ? error.kind : 'other' });
    if (error instanceof ExternalServiceError && error.kind === 'reconnect') {
      await setHealth(deps, tenantId, connection.id, 'needs-reconnect', error.userMessage);
    }
    throw error;
  }
}

async function setHealth(
  deps: ActivityDependencies,
  tenantId: string,
  connectionId: string,
  health: CrmConnection['health'],
  lastError: string | null,
): Promise<void> {
  await inTenant(deps.orm, tenantId, async (em) => {
    const connection = await em.findOne(CrmConnection, { id: connectionId });
    if (connection) Object.assign(connection, { health, lastError });
  });
}
