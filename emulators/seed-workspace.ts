/**
 * The no-accounts setup: one Slack workspace with a rep whose Fathom, Google and HubSpot
 * accounts all live in the local emulators, written to the database and the secret store
 * exactly as a real install and real connections would be. Used by the demo and the tests.
 */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../db/orm';
import { inTenant } from '../db/tenant-scope';
import { CrmConnection, Tenant, User, type TenantSettings } from '../entities';
import type { SecretStore } from '../secrets/secret-store';
import { secretNames } from '../secrets/secret-store';
import type { FathomEmulator } from './fathom-emulator';
import type { GoogleEmulator } from './google-emulator';
import type { HubSpotEmulator } from './hubspot-emulator';
import type { SlackEmulator } from './slack-emulator';

export interface EmulatedWorkspace {
  tenant: Tenant;
  teamId: string;
  botToken: string;
  rep: { slackUserId: string; email: string; userId: string };
}

export async function seedEmulatedWorkspace(options: {
  orm: Orm;
  secrets: SecretStore;
  emulators: { slack: SlackEmulator; fathom: FathomEmulator; google: GoogleEmulator; hubspot: HubSpotEmulator };
  teamId?: string;
  repSlackUserId?: string;
  crm?: 'hubspot' | null;
  settings?: Partial<TenantSettings>;
}): Promise<EmulatedWorkspace> {
  const { orm, secrets, emulators } = options;
  const teamId = options.teamId ?? `T${randomUUID().slice(0, 10).toUpperCase()}`;
  const repSlackUserId = options.repSlackUserId ?? `U${randomUUID().slice(0, 10).toUpperCase()}`;
  const botToken = `xoxb-emulated-${randomUUID()}`;
  const repEmail = 'alice@acme.com';
  emulators.slack.registerWorkspace({ teamId, botToken, teamName: 'Acme' });
  emulators.slack.addUser({ id: repSlackUserId, teamId, tz: 'Europe/Rome', email: repEmail, name: 'Alice Johnson' });

  const em = orm.em.fork();
  const tenant = (await em.findOne(Tenant, { slackTeamId: teamId })) ?? Object.assign(new Tenant(), { slackTeamId: teamId, name: 'Acme' });
  tenant.status = 'active';
  tenant.botTokenSecretRef = secretNames.slackBotToken(tenant.id);
  tenant.settings = { ...tenant.settings, ...options.settings };
  await em.persistAndFlush(tenant);
  await secrets.put(tenant.botTokenSecretRef, botToken);

  const fathomKey = `fathom-emulated-${randomUUID()}`;
  emulators.fathom.registerApiKey(fathomKey, repEmail);
  const googleRefreshToken = `google-refresh-emulated-${randomUUID()}`;
  emulators.google.registerUser({ email: repEmail, refreshToken: googleRefreshToken, tz: 'Europe/Rome' });

  const rep = await inTenant(orm, tenant.id, async (tx) => {
    const user =
      (await tx.findOne(User, { slackUserId: repSlackUserId })) ??
      Object.assign(new User(), { tenantId: tenant.id, slackUserId: repSlackUserId, email: repEmail, timeZone: 'Europe/Rome' });
    user.fathomSecretRef = secretNames.userFathom(tenant.id, user.id);
    user.googleSecretRef = secretNames.userGoogle(tenant.id, user.id);
    tx.persist(user);
    if ((options.crm === undefined || options.crm === 'hubspot') && !(await tx.findOne(CrmConnection, { provider: 'hubspot' }))) {
      const connection = Object.assign(new CrmConnection(), { tenantId: tenant.id, provider: 'hubspot' as const });
      connection.secretRef = secretNames.crmConnection(tenant.id, connection.id);
      tx.persist(connection);
    }
    return user;
  });
  await secrets.put(rep.fathomSecretRef!, JSON.stringify({ type: 'apiKey', apiKey: fathomKey }));
  await secrets.put(rep.googleSecretRef!, JSON.stringify({ refreshToken: googleRefreshToken, email: repEmail }));
  const connection = await inTenant(orm, tenant.id, (tx) => tx.findOne(CrmConnection, { provider: 'hubspot' }));
  if (connection) await connectEmulatedHubSpot(secrets, emulators.hubspot, connection.secretRef);
  return { tenant, teamId, botToken, rep: { slackUserId: repSlackUserId, email: repEmail, userId: rep.id } };
}

/** Stores fresh HubSpot OAuth tokens for a connection, as finishing HubSpot's OAuth flow would. */
export async function connectEmulatedHubSpot(secrets: SecretStore, hubspot: HubSpotEmulator, secretRef: string): Promise<void> {
  const tokens = hubspot.issueTokens();
  await secrets.put(
    secretRef,
    JSON.stringify({ type: 'oauth', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + 30 * 60_000 }),
  );
}
