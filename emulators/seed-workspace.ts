/**
 * The no-accounts setup: one Slack workspace with a rep whose Fathom, Google and CRM accounts
 * (HubSpot by default; Salesforce, Pipedrive or Crono on request) all live in the local
 * emulators, written to the database and the secret store exactly as a real install and real
 * connections would be. Used by the demo and the tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CrmCredentials } from '../clients/crm/crm-provider';
import type { CrmProviderName } from '../domain/crm';
import type { Orm } from '../db/orm';
import { tenantOfSlackId } from '../db/tenant-directory';
import { inTenant } from '../db/tenant-scope';
import { CrmConnection, Tenant, User, type TenantSettings } from '../entities';
import type { SecretStore } from '../secrets/secret-store';
import { secretNames } from '../secrets/secret-store';
import type { CronoEmulator } from './crono-emulator';
import type { FathomEmulator } from './fathom-emulator';
import type { GoogleEmulator } from './google-emulator';
import type { HubSpotEmulator } from './hubspot-emulator';
import type { PipedriveEmulator } from './pipedrive-emulator';
import type { SalesforceEmulator } from './salesforce-emulator';
import type { SlackEmulator } from './slack-emulator';

/** The CRM emulators a workspace can be connected to; only the one chosen must be running. */
export interface CrmEmulators {
  hubspot?: HubSpotEmulator;
  salesforce?: SalesforceEmulator;
  pipedrive?: PipedriveEmulator;
  crono?: CronoEmulator;
}

/** The workspace's #sales channel, which the app was invited to; the rep is a member. */
export const emulatedSalesChannel = 'C0SALES';

export interface EmulatedWorkspace {
  tenant: Tenant;
  teamId: string;
  botToken: string;
  rep: {
    slackUserId: string;
    email: string;
    userId: string;
    /** The secret Fathom handed out when the rep's webhook was registered; Fathom signs deliveries with it. */
    fathomWebhookSecret: string;
  };
}

export async function seedEmulatedWorkspace(options: {
  orm: Orm;
  secrets: SecretStore;
  emulators: { slack: SlackEmulator; fathom: FathomEmulator; google: GoogleEmulator } & CrmEmulators;
  /** The bot scopes the product requests at install (clients/slack-oauth.ts): the bot token holds exactly these. */
  botScopes: readonly string[];
  teamId?: string;
  repSlackUserId?: string;
  /**
   * The rep's email, i.e. their Fathom and Google accounts in the emulators (one account per
   * address): workspaces seeded side by side need distinct ones. alice@acme.com when absent.
   */
  repEmail?: string;
  /** The tenant's default CRM; HubSpot when absent, none when null. */
  crm?: CrmProviderName | null;
  settings?: Partial<TenantSettings>;
}): Promise<EmulatedWorkspace> {
  const { orm, secrets, emulators } = options;
  const crm = options.crm === undefined ? 'hubspot' : options.crm;
  const teamId = options.teamId ?? slackId('T');
  const repSlackUserId = options.repSlackUserId ?? slackId('U');
  const botToken = `xoxb-emulated-${randomUUID()}`;
  const repEmail = options.repEmail ?? 'alice@acme.com';
  emulators.slack.registerWorkspace({ teamId, botToken, teamName: 'Acme', scopes: options.botScopes });
  emulators.slack.addUser({ id: repSlackUserId, teamId, tz: 'Europe/Rome', email: repEmail, name: 'alice', realName: 'Alice Johnson', locale: 'en-US' });
  emulators.slack.addChannel({ id: emulatedSalesChannel, teamId, name: 'sales', botIsMember: true, memberIds: [repSlackUserId] });

  // Installing looks a workspace up by its Slack team id before its tenant is known.
  const tenantId = (await tenantOfSlackId(orm, teamId))?.tenantId ?? new Tenant().id;
  const tenant = await inTenant(orm, tenantId, async (em) => {
    const installed = (await em.findOne(Tenant, { id: tenantId })) ?? Object.assign(new Tenant(), { id: tenantId, slackTeamId: teamId, name: 'Acme' });
    installed.status = 'active';
    installed.botTokenSecretRef = secretNames.slackBotToken(installed.id);
    installed.settings = { ...installed.settings, ...options.settings };
    em.persist(installed);
    return installed;
  });
  await secrets.put(secretNames.slackBotToken(tenant.id), botToken);

  const fathomKey = `fathom-emulated-${randomUUID()}`;
  emulators.fathom.registerApiKey(fathomKey, repEmail);
  const googleRefreshToken = `google-refresh-emulated-${randomUUID()}`;
  emulators.google.registerUser({ email: repEmail, refreshToken: googleRefreshToken, tz: 'Europe/Rome' });

  const rep = await inTenant(orm, tenant.id, async (tx) => {
    const user =
      (await tx.findOne(User, { slackUserId: repSlackUserId })) ??
      Object.assign(new User(), { tenantId: tenant.id, slackUserId: repSlackUserId, email: repEmail });
    user.fathomSecretRef = secretNames.userFathom(tenant.id, user.id);
    user.googleSecretRef = secretNames.userGoogle(tenant.id, user.id);
    tx.persist(user);
    if (crm && !(await tx.findOne(CrmConnection, { provider: crm }))) {
      const connection = Object.assign(new CrmConnection(), { tenantId: tenant.id, provider: crm, connectedBySlackUserId: repSlackUserId });
      connection.secretRef = secretNames.crmConnection(tenant.id, connection.id);
      tx.persist(connection);
    }
    return user;
  });
  await secrets.put(rep.fathomSecretRef!, JSON.stringify({ type: 'apiKey', apiKey: fathomKey }));
  await secrets.put(rep.googleSecretRef!, JSON.stringify({ refreshToken: googleRefreshToken, email: repEmail }));
  // Fathom's webhook secrets are base64 key bytes behind a `whsec_` prefix (Standard Webhooks).
  const fathomWebhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  await secrets.put(secretNames.fathomWebhookSecret(tenant.id, rep.id), fathomWebhookSecret);
  if (crm) {
    const connection = await inTenant(orm, tenant.id, (tx) => tx.findOneOrFail(CrmConnection, { provider: crm }));
    await secrets.put(connection.secretRef, JSON.stringify(emulatedCrmCredentials(crm, emulators)));
  }
  return { tenant, teamId, botToken, rep: { slackUserId: repSlackUserId, email: repEmail, userId: rep.id, fathomWebhookSecret } };
}

/** Slack ids are a type letter and upper-case alphanumerics (a dash makes conversations.open fail). */
function slackId(prefix: 'T' | 'U'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/**
 * Credentials as each CRM's connect flow leaves them: OAuth tokens (Salesforce adds its
 * instance URL, Pipedrive its api_domain, both pointing at the emulator) or Crono's key pair.
 */
function emulatedCrmCredentials(crm: CrmProviderName, emulators: CrmEmulators): CrmCredentials {
  const running = <E>(emulator: E | undefined): E => {
    if (!emulator) throw new Error(`Seeding a ${crm} connection needs the ${crm} emulator.`);
    return emulator;
  };
  switch (crm) {
    case 'hubspot':
      return hubSpotCredentials(running(emulators.hubspot));
    case 'salesforce': {
      const tokens = running(emulators.salesforce).issueTokens();
      return { type: 'oauth', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, instanceUrl: tokens.instanceUrl };
    }
    case 'pipedrive': {
      const tokens = running(emulators.pipedrive).issueTokens();
      return {
        type: 'oauth',
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: Date.now() + tokens.expiresIn * 1000,
        instanceUrl: tokens.apiDomain,
      };
    }
    case 'crono': {
      const crono = running(emulators.crono);
      return { type: 'apiKey', apiKey: crono.apiKey, apiSecret: crono.apiSecret };
    }
  }
}

function hubSpotCredentials(hubspot: HubSpotEmulator): CrmCredentials {
  const tokens = hubspot.issueTokens();
  return { type: 'oauth', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + 30 * 60_000 };
}

/** Stores fresh HubSpot OAuth tokens for a connection, as finishing HubSpot's OAuth flow would. */
export async function connectEmulatedHubSpot(secrets: SecretStore, hubspot: HubSpotEmulator, secretRef: string): Promise<void> {
  await secrets.put(secretRef, JSON.stringify(hubSpotCredentials(hubspot)));
}
