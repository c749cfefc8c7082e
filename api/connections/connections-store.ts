import type { CrmCredentials } from '../../clients/crm/crm-provider';
import type { CrmProviderName } from '../../domain/crm';
import type { GoogleTokens } from '../../clients/google-workspace';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import { appendAudit } from '../../db/audit';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, Tenant, User } from '../../entities';
import { secretNames } from '../../secrets/secret-store';
import type { ApiDependencies } from '../http/dependencies';
import { refreshRepProfile, type RepProfileAccess } from '../slack/rep-profile';

/**
 * Stores what a connect flow obtained: the credentials go to the secret store, the reference and
 * an audit row to Postgres, in the tenant's scope. Credentials never reach the audit detail.
 */

/** Where a connection is kept: the secret store for credentials, Postgres for the rest. */
type StoreDependencies = Pick<ApiDependencies, 'orm' | 'secrets'>;

/**
 * The rep's row, created on first connect (a rep may connect before any meeting created it),
 * with their zone, locale and name from Slack.
 */
export async function userFor(deps: RepProfileAccess, tenantId: string, slackUserId: string): Promise<User> {
  const user = await inTenant(deps.orm, tenantId, async (em) => {
    const existing = await em.findOne(User, { slackUserId });
    if (existing) return existing;
    const created = Object.assign(new User(), { tenantId, slackUserId });
    em.persist(created);
    return created;
  });
  return (await refreshRepProfile(deps, tenantId, slackUserId)) ?? user;
}

export async function saveFathomConnection(
  deps: StoreDependencies,
  user: User,
  credentials: MeetingSourceCredentials,
  webhook: { id: string; secret: string },
): Promise<void> {
  const secretRef = secretNames.userFathom(user.tenantId, user.id);
  await deps.secrets.put(secretRef, JSON.stringify(credentials));
  await deps.secrets.put(secretNames.fathomWebhookSecret(user.tenantId, user.id), webhook.secret);
  await inTenant(deps.orm, user.tenantId, async (em) => {
    Object.assign(await em.findOneOrFail(User, { id: user.id }), { fathomSecretRef: secretRef, fathomWebhookId: webhook.id });
    connected(em, user.tenantId, user.slackUserId, 'fathom', { via: credentials.type, webhookId: webhook.id });
  });
}

export async function saveGoogleConnection(deps: StoreDependencies & RepProfileAccess, tenantId: string, slackUserId: string, tokens: GoogleTokens): Promise<void> {
  const user = await userFor(deps, tenantId, slackUserId);
  const secretRef = secretNames.userGoogle(tenantId, user.id);
  await deps.secrets.put(secretRef, JSON.stringify(tokens));
  await inTenant(deps.orm, tenantId, async (em) => {
    const stored = await em.findOneOrFail(User, { id: user.id });
    stored.googleSecretRef = secretRef;
    Object.assign(stored, { googleHealth: 'ok', googleLastError: null });
    stored.email ??= tokens.email;
    connected(em, tenantId, slackUserId, 'google', { email: tokens.email });
  });
}

/** The tenant's connection to `provider` (created or given new credentials) becomes its default CRM. */
export async function saveCrmConnection(
  deps: StoreDependencies,
  tenantId: string,
  slackUserId: string,
  provider: CrmProviderName,
  credentials: CrmCredentials,
): Promise<void> {
  const connection = await inTenant(deps.orm, tenantId, async (em) => {
    const existing = await em.findOne(CrmConnection, { provider });
    if (existing) return existing;
    const created = Object.assign(new CrmConnection(), { tenantId, provider, isDefault: false });
    created.secretRef = secretNames.crmConnection(tenantId, created.id);
    em.persist(created);
    return created;
  });
  await deps.secrets.put(connection.secretRef, JSON.stringify(credentials));
  await inTenant(deps.orm, tenantId, async (em) => {
    // One default per tenant (unique index): clear the old flag before setting the new one.
    await em.nativeUpdate(CrmConnection, { tenantId, isDefault: true }, { isDefault: false });
    await em.nativeUpdate(CrmConnection, { tenantId, id: connection.id }, { isDefault: true, health: 'ok', lastError: null, connectedBySlackUserId: slackUserId });
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    tenant.settings = { ...tenant.settings, defaultCrm: provider };
    connected(em, tenantId, slackUserId, `crm:${provider}`, { via: credentials.type });
  });
}

function connected(em: Parameters<typeof appendAudit>[0], tenantId: string, actor: string, target: string, detail: Record<string, unknown>): void {
  appendAudit(em, { tenantId, actor, action: 'connection.connected', target, result: 'success', detail });
}

/** Forgets a rep's Fathom (key and webhook secret) or Google tokens; false when nothing was connected. */
export async function removeRepConnection(deps: StoreDependencies, tenantId: string, slackUserId: string, service: 'fathom' | 'google'): Promise<boolean> {
  const user = await inTenant(deps.orm, tenantId, async (em) => {
    const found = await em.findOne(User, { slackUserId });
    const secretRef = service === 'fathom' ? found?.fathomSecretRef : found?.googleSecretRef;
    if (!found || !secretRef) return null;
    if (service === 'fathom') found.fathomSecretRef = null;
    else found.googleSecretRef = null;
    removed(em, tenantId, slackUserId, service);
    return { id: found.id, secretRef };
  });
  if (!user) return false;
  await deps.secrets.delete(user.secretRef);
  if (service === 'fathom') await deps.secrets.delete(secretNames.fathomWebhookSecret(tenantId, user.id));
  return true;
}

/** Removes the tenant's connection to `provider`; the oldest remaining one becomes the default. */
export async function removeCrmConnection(deps: StoreDependencies, tenantId: string, slackUserId: string, provider: CrmProviderName): Promise<boolean> {
  const secretRef = await inTenant(deps.orm, tenantId, async (em) => {
    const connection = await em.findOne(CrmConnection, { provider });
    if (!connection) return null;
    await em.nativeDelete(CrmConnection, { tenantId, id: connection.id });
    const next = connection.isDefault ? await em.findOne(CrmConnection, {}, { orderBy: { createdAt: 'asc' } }) : null;
    if (next) await em.nativeUpdate(CrmConnection, { tenantId, id: next.id }, { isDefault: true });
    if (connection.isDefault) {
      const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
      tenant.settings = { ...tenant.settings, defaultCrm: next?.provider };
    }
    removed(em, tenantId, slackUserId, `crm:${provider}`);
    return connection.secretRef;
  });
  if (!secretRef) return false;
  await deps.secrets.delete(secretRef);
  return true;
}

function removed(em: Parameters<typeof appendAudit>[0], tenantId: string, actor: string, target: string): void {
  appendAudit(em, { tenantId, actor, action: 'connection.removed', target, result: 'success' });
}
