import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebClient } from '@slack/web-api';
import type { CrmCredentials, CrmProvider } from '../clients/crm/crm-provider';
import type { GoogleTokens } from '../clients/google-workspace';
import type { MeetingSource, MeetingSourceCredentials } from '../clients/meeting-source';
import { inTenant } from '../db/tenant-scope';
import { CrmConnection, Tenant, User } from '../entities';
import type { ActivityDependencies } from './dependencies';
import { notConfigured } from './failures';
import { trackGoogleHealth } from './google-health';
import { readMeetingOfRep, type MeetingForAction, type RepForAction } from './meeting-of-rep';

/**
 * Builds the clients of one tenant or rep from references stored in Postgres and values read
 * from the secret store at the moment of use. Missing connections become failures that tell
 * the rep exactly what to connect.
 */
export async function slackClientFor(deps: ActivityDependencies, tenant: Tenant): Promise<WebClient> {
  const client = tenant.botTokenSecretRef ? await deps.slackClients.clientFor(tenant.id, tenant.botTokenSecretRef) : null;
  if (!client) throw notConfigured('This workspace’s Slack installation is missing; reinstall the app.');
  return client;
}

export async function loadTenant(em: EntityManager, tenantId: string): Promise<Tenant> {
  const tenant = await em.findOne(Tenant, { id: tenantId });
  if (!tenant) throw notConfigured('This workspace is no longer installed.');
  return tenant;
}

export async function loadRep(em: EntityManager, slackUserId: string): Promise<User | null> {
  return em.findOne(User, { slackUserId });
}

/** A meeting and the rep it belongs to, for an action the rep asked for. */
export async function loadMeetingOfRep(deps: ActivityDependencies, tenantId: string, meetingRecordId: string): Promise<{ record: MeetingForAction; rep: RepForAction | null }> {
  return inTenant(deps.orm, tenantId, (em) => readMeetingOfRep(em, tenantId, meetingRecordId));
}

export async function defaultCrmConnection(em: EntityManager): Promise<CrmConnection | null> {
  return em.findOne(CrmConnection, { isDefault: true });
}

/** What using a CRM connection needs of its row: which provider, where its credentials are, its settings and health. */
export type CrmConnectionInUse = Pick<CrmConnection, 'id' | 'provider' | 'secretRef' | 'settings' | 'health'>;

/**
 * defaultCrmConnection in plain SQL, for the paths every meeting takes (matching, the note): the
 * ORM's entity loading was most of their database cost (bench/README.md, benchmark 3). In the
 * caller's tenant transaction (row-level security applies); the tenant condition is the ORM filter's.
 */
export async function readDefaultCrmConnection(em: EntityManager, tenantId: string): Promise<CrmConnectionInUse | null> {
  const [row] = await em.execute<{ id: string; provider: CrmConnection['provider']; secret_ref: string; settings: Record<string, string> | null; health: CrmConnection['health'] }[]>(
    'select id, provider, secret_ref, settings, health from crm_connection where tenant_id = ? and is_default = true limit 1',
    [tenantId],
  );
  return row ? { id: row.id, provider: row.provider, secretRef: row.secret_ref, settings: row.settings ?? {}, health: row.health } : null;
}

export function crmProviderFor(deps: ActivityDependencies, connection: CrmConnectionInUse): CrmProvider {
  return deps.crmProvider(
    connection.provider,
    {
      load: async () => {
        const value = await deps.secrets.get(connection.secretRef);
        if (!value) throw notConfigured(`The ${connection.provider} connection has no credentials; reconnect your CRM.`);
        return JSON.parse(value) as CrmCredentials;
      },
      save: (credentials) => deps.secrets.put(connection.secretRef, JSON.stringify(credentials)),
    },
    connection.settings,
  );
}

export async function meetingSourceFor(deps: ActivityDependencies, rep: User | null): Promise<MeetingSource> {
  const stored = rep?.fathomSecretRef ? await deps.secrets.get(rep.fathomSecretRef) : null;
  if (!stored) throw notConfigured('Connect Fathom in the app’s Home tab so I can read your meetings.');
  return deps.meetingSource(JSON.parse(stored) as MeetingSourceCredentials, rep?.email ?? null);
}

export async function googleWorkspaceFor(deps: ActivityDependencies, rep: RepForAction | null) {
  const secretRef = rep?.googleSecretRef;
  // Read once here to refuse early; the client's first load takes this value instead of reading it again.
  let justRead = rep && secretRef ? await deps.secrets.get(secretRef) : null;
  if (!rep || !secretRef || !justRead) {
    throw notConfigured('Connect Google in the app’s Home tab to create Gmail drafts and calendar events.');
  }
  const workspace = deps.googleWorkspace({
    load: async () => {
      const value = justRead ?? (await deps.secrets.get(secretRef));
      justRead = null;
      if (!value) throw notConfigured('Your Google connection was removed; reconnect Google in the app’s Home tab.');
      return JSON.parse(value) as GoogleTokens;
    },
    save: (tokens) => deps.secrets.put(secretRef, JSON.stringify(tokens)),
  });
  return trackGoogleHealth(deps, rep, workspace);
}
