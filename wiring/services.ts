/**
 * Builds the real clients from configuration: one place where configuration meets the
 * third-party modules, shared by the worker, the API, the demo and the end-to-end tests.
 */
import type { ActivityDependencies } from '../activities';
import type { GrantRevocation } from '../activities/dependencies';
import { CardViews } from '../activities/card-views';
import { TenantSlackClients } from '../activities/tenant-slack-clients';
import { createSlackClient } from '../clients/slack-client';
import { oauthCrmProviders, revokeCrmGrant, type OAuthCrmProvider } from '../clients/crm/crm-oauth-connect';
import { createAnthropicFollowUpWriter } from '../clients/anthropic-follow-up-writer';
import { createCrmProvider } from '../clients/crm/create-crm-provider';
import type { CrmProviderSettings } from '../clients/crm/crm-provider';
import type { CrmProviderName } from '../domain/crm';
import { createExtractiveFollowUpWriter } from '../clients/extractive-follow-up-writer';
import { createFathomClient } from '../clients/fathom-client';
import { deleteFathomWebhook } from '../clients/fathom-webhooks';
import type { FollowUpWriter } from '../clients/follow-up-writer';
import { createCalendarEvents } from '../clients/google/calendar-events';
import { createGmailDrafts } from '../clients/google/gmail-drafts';
import type { GoogleAppConfig } from '../clients/google/google-auth';
import { revokeGoogleGrant } from '../clients/google/google-oauth-connect';
import type { RateLimitStore } from '../clients/rate-limit-store';
import { PostgresRateLimitStore } from '../db/api-rate-limits';
import type { MaintenanceOrm, Orm } from '../db/orm';
import type { TenantChangeSubscriber } from '../db/tenant-change-feed';
import { createSecretStore } from '../secrets/create-secret-store';
import { parseSecretKeys } from '../secrets/secret-keyring';
import type { SecretStore } from '../secrets/secret-store';
import type { AppConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';

export function buildSecretStore(config: AppConfig, orm: Orm): SecretStore {
  if (config.secrets.backend === 'aws') {
    return createSecretStore({ kind: 'aws', aws: { region: config.secrets.region, endpoint: config.secrets.endpoint } });
  }
  return createSecretStore({
    kind: 'local',
    local: parseSecretKeys(config.secrets.keys, config.secrets.activeKeyId),
    em: () => orm.em.fork(),
  });
}

export function buildFollowUpWriter(config: AppConfig, rateLimits: RateLimitStore): FollowUpWriter | null {
  switch (config.ai.drafter) {
    case 'claude':
      return createAnthropicFollowUpWriter({ apiKey: config.ai.anthropicApiKey!, baseURL: config.ai.anthropicBaseUrl, model: config.ai.model, rateLimits });
    case 'extractive':
      return createExtractiveFollowUpWriter();
    case 'unconfigured':
      return null;
  }
}

export function crmSettingsFor(config: AppConfig, provider: CrmProviderName): Omit<CrmProviderSettings, 'credentials'> {
  const crm = config.crm;
  const oauthClient = (clientId?: string, clientSecret?: string) => (clientId && clientSecret ? { clientId, clientSecret } : undefined);
  switch (provider) {
    case 'hubspot':
      return { apiBaseUrl: crm.hubspot.apiUrl, oauthBaseUrl: crm.hubspot.apiUrl, oauthClient: oauthClient(crm.hubspot.clientId, crm.hubspot.clientSecret) };
    case 'salesforce':
      return { oauthBaseUrl: crm.salesforce.loginUrl, oauthClient: oauthClient(crm.salesforce.clientId, crm.salesforce.clientSecret) };
    case 'pipedrive':
      return { apiBaseUrl: crm.pipedrive.apiUrl, oauthBaseUrl: crm.pipedrive.oauthUrl, oauthClient: oauthClient(crm.pipedrive.clientId, crm.pipedrive.clientSecret) };
    case 'crono':
      return { apiBaseUrl: crm.crono.apiUrl };
  }
}

export function googleAppConfig(config: AppConfig, rateLimits?: RateLimitStore): GoogleAppConfig {
  return {
    rateLimits,
    clientId: config.google.clientId ?? '',
    clientSecret: config.google.clientSecret ?? '',
    tokenUrl: config.google.tokenUrl,
    apiRootUrl: config.google.apiUrl,
  };
}

/** Tenants whose Slack client the worker keeps at once (a WebClient is a few KiB). */
const slackClientsKept = 2_000;
/** Meetings whose card view the worker keeps at once (a draft is a few KiB) and for how long: a meeting's clicks come minutes apart. */
const cardViewsKept = { maxMeetings: 500, ttlMs: 5 * 60_000 };

/**
 * The activities' dependencies. Their Slack clients and card views are kept only while a tenant
 * change feed tells them of changes: start one with `keptPerTenant(dependencies)` as its subscriber (worker.ts).
 */
export function buildActivityDependencies(options: { config: AppConfig; orm: Orm; maintenanceOrm: MaintenanceOrm; secrets: SecretStore; logger: Logger }): ActivityDependencies {
  const { config } = options;
  // One bucket per outside account, shared with every other worker and API process.
  const rateLimits = new PostgresRateLimitStore(options.orm);
  const googleApp = googleAppConfig(config, rateLimits);
  return {
    orm: options.orm,
    maintenanceOrm: options.maintenanceOrm,
    secrets: options.secrets,
    logger: options.logger,
    slackApiUrl: config.slack.apiUrl,
    slackClients: new TenantSlackClients(
      options.secrets,
      (token, onTokenRefused) => createSlackClient({ token, apiUrl: config.slack.apiUrl, rateLimits, onTokenRefused }),
      { ttlMs: config.worker.slackTokenTtlMs, maxTenants: slackClientsKept },
    ),
    cardViews: new CardViews(cardViewsKept),
    rateLimits,
    actorProofKey: config.actorProofKey,
    meetingSource: (credentials, repEmail) => createFathomClient({ credentials, repEmail, baseUrl: config.fathom.apiUrl, rateLimits }),
    followUpWriter: buildFollowUpWriter(config, rateLimits),
    crmProvider: (provider, credentials, connectionSettings) =>
      createCrmProvider(provider, { ...crmSettingsFor(config, provider), ...pickConnectionOverrides(connectionSettings), credentials, rateLimits }),
    googleWorkspace: (tokens) => ({
      drafts: createGmailDrafts({ app: googleApp, tokens }),
      calendar: createCalendarEvents({ app: googleApp, tokens }),
    }),
    grantRevocation: buildGrantRevocation(config, googleApp),
    now: () => new Date(),
  };
}

/** Everything the activities keep per tenant, as one subscriber of a tenant change feed. */
export function keptPerTenant(dependencies: Pick<ActivityDependencies, 'slackClients' | 'cardViews'>): TenantChangeSubscriber {
  const kept: TenantChangeSubscriber[] = [dependencies.slackClients, dependencies.cardViews];
  return {
    changed: (tenantId) => kept.forEach((subscriber) => subscriber.changed(tenantId)),
    liveChanged: (live) => kept.forEach((subscriber) => subscriber.liveChanged(live)),
  };
}

const revocationTimeoutMs = 10_000;

function buildGrantRevocation(config: AppConfig, googleApp: GoogleAppConfig): GrantRevocation {
  return {
    google: (tokens) => revokeGoogleGrant(googleApp, tokens, revocationTimeoutMs),
    fathomWebhook: (credentials, webhookId) => deleteFathomWebhook({ baseUrl: config.fathom.apiUrl, credentials, webhookId }),
    crm: async (provider, credentials, connectionSettings) => {
      if (credentials.type !== 'oauth' || !oauthCrmProviders.includes(provider as OAuthCrmProvider)) return 'not-revocable';
      const settings = { ...crmSettingsFor(config, provider), ...pickConnectionOverrides(connectionSettings) };
      if (!settings.oauthBaseUrl) return 'not-revocable';
      return revokeCrmGrant(provider as OAuthCrmProvider, { oauthBaseUrl: settings.oauthBaseUrl, client: settings.oauthClient, credentials, timeoutMs: revocationTimeoutMs });
    },
  };
}

/**
 * Per-connection details stored with the connection: its own API base (a Salesforce sandbox),
 * the HubSpot portal and Pipedrive company domain used to build record links.
 */
function pickConnectionOverrides(settings: Record<string, string>): Partial<CrmProviderSettings> {
  return {
    ...(settings.apiBaseUrl ? { apiBaseUrl: settings.apiBaseUrl } : {}),
    ...(settings.oauthBaseUrl ? { oauthBaseUrl: settings.oauthBaseUrl } : {}),
    ...(settings.hubspotPortalId ? { hubspotPortalId: settings.hubspotPortalId } : {}),
    ...(settings.pipedriveCompanyDomain ? { pipedriveCompanyDomain: settings.pipedriveCompanyDomain } : {}),
  };
}
