import { buildCrmAuthorizeUrl, exchangeCrmCode, oauthCrmProviders, type OAuthCrmProvider } from '../../clients/crm/crm-oauth-connect';
import { buildGoogleAuthorizeUrl, exchangeGoogleCode } from '../../clients/google/google-oauth-connect';
import { crmLabels } from '../../slack/settings-labels';
import { connectStateSecret, issueConnectState, type ConnectGrant, type ConnectTarget } from './connect-state';
import { saveCrmConnection, saveGoogleConnection } from './connections-store';
import type { ApiDependencies } from '../http/dependencies';

/**
 * The accounts connected by an OAuth redirect from App Home: where each flow starts and ends,
 * who may run it, the provider's consent screen, and what the callback stores.
 */
export interface OAuthConnector {
  label: string;
  /** Path prefix: `<prefix>/start` and `<prefix>/callback`. */
  pathPrefix: string;
  /** CRM connections belong to the whole workspace: only its admins make them. */
  adminsOnly: boolean;
  /** False when this deployment has no OAuth app for the service. */
  offered(deps: Pick<ApiDependencies, 'connections'>): boolean;
  authorizeUrl(deps: ApiDependencies, options: { redirectUri: string; state: string }): string;
  /** Exchanges the code and stores the result; throws ExternalServiceError when the provider refuses. */
  complete(deps: ApiDependencies, grant: ConnectGrant, options: { code: string; redirectUri: string }): Promise<void>;
}

const googleConnector: OAuthConnector = {
  label: 'Google',
  pathPrefix: '/connect/google',
  adminsOnly: false,
  offered: (deps) => !!deps.connections?.google,
  authorizeUrl: (deps, options) => buildGoogleAuthorizeUrl(deps.connections!.google!, options),
  complete: async (deps, grant, options) => {
    const tokens = await exchangeGoogleCode(deps.connections!.google!, { ...options, now: now(deps) });
    await saveGoogleConnection(deps, grant.tenantId, grant.slackUserId, tokens);
  },
};

function crmConnector(provider: OAuthCrmProvider): OAuthConnector {
  return {
    label: crmLabels[provider],
    pathPrefix: `/connect/crm/${provider}`,
    adminsOnly: true,
    offered: (deps) => !!deps.connections?.crm[provider],
    authorizeUrl: (deps, options) => buildCrmAuthorizeUrl(provider, deps.connections!.crm[provider]!, options),
    complete: async (deps, grant, options) => {
      const credentials = await exchangeCrmCode(provider, deps.connections!.crm[provider]!, { ...options, now: now(deps) });
      await saveCrmConnection(deps, grant.tenantId, grant.slackUserId, provider, credentials);
    },
  };
}

export const oauthConnectors: Record<ConnectTarget, OAuthConnector> = {
  google: googleConnector,
  hubspot: crmConnector('hubspot'),
  salesforce: crmConnector('salesforce'),
  pipedrive: crmConnector('pipedrive'),
};

export const connectTargets: readonly ConnectTarget[] = ['google', ...oauthCrmProviders];

/** The link App Home shows: valid 10 minutes, once, for this Slack user in this workspace only. */
export function connectStartUrl(deps: Pick<ApiDependencies, 'slack' | 'publicUrl' | 'connections' | 'now'>, grant: ConnectGrant): string | null {
  const connector = oauthConnectors[grant.target];
  if (!connector.offered(deps)) return null;
  const state = issueConnectState(connectStateSecret(deps.slack.signingSecret), grant, now(deps));
  return `${deps.publicUrl}${connector.pathPrefix}/start?state=${encodeURIComponent(state)}`;
}

export function now(deps: Pick<ApiDependencies, 'now'>): number {
  return deps.now?.() ?? Date.now();
}
