import { buildCrmAuthorizeUrl, crmSupportsPkce, exchangeCrmCode, oauthCrmProviders, type OAuthCrmProvider } from '../../clients/crm/crm-oauth-connect';
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
  /** The provider's consent screen, with the flow's PKCE challenge where the provider supports PKCE. */
  authorizeUrl(deps: ApiDependencies, options: { redirectUri: string; state: string; pkce: FlowPkce }): string;
  /** Exchanges the code (with the PKCE verifier where used) and stores the result; throws ExternalServiceError when the provider refuses. */
  complete(deps: ApiDependencies, grant: ConnectGrant, options: { code: string; redirectUri: string; pkce: FlowPkce }): Promise<void>;
}

export interface FlowPkce {
  verifier: string;
  challenge: string;
}

const googleConnector: OAuthConnector = {
  label: 'Google',
  pathPrefix: '/connect/google',
  adminsOnly: false,
  offered: (deps) => !!deps.connections?.google,
  authorizeUrl: (deps, { pkce, ...options }) => buildGoogleAuthorizeUrl(deps.connections!.google!, { ...options, codeChallenge: pkce.challenge }),
  complete: async (deps, grant, { pkce, ...options }) => {
    const tokens = await exchangeGoogleCode(deps.connections!.google!, { ...options, codeVerifier: pkce.verifier, now: now(deps) });
    await saveGoogleConnection(deps, grant.tenantId, grant.slackUserId, tokens);
  },
};

function crmConnector(provider: OAuthCrmProvider): OAuthConnector {
  return {
    label: crmLabels[provider],
    pathPrefix: `/connect/crm/${provider}`,
    adminsOnly: true,
    offered: (deps) => !!deps.connections?.crm[provider],
    authorizeUrl: (deps, { pkce, ...options }) =>
      buildCrmAuthorizeUrl(provider, deps.connections!.crm[provider]!, { ...options, ...(crmSupportsPkce(provider) ? { codeChallenge: pkce.challenge } : {}) }),
    complete: async (deps, grant, { pkce, ...options }) => {
      const codeVerifier = crmSupportsPkce(provider) ? pkce.verifier : undefined;
      const credentials = await exchangeCrmCode(provider, deps.connections!.crm[provider]!, { ...options, codeVerifier, now: now(deps) });
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

/**
 * The link App Home shows: valid 10 minutes, once, for this Slack user in this workspace only. None
 * without the Slack app's OAuth client: the flow starts with Sign in with Slack, to check who opens it.
 */
export function connectStartUrl(deps: Pick<ApiDependencies, 'slack' | 'publicUrl' | 'connections' | 'now'>, grant: ConnectGrant): string | null {
  const connector = oauthConnectors[grant.target];
  if (!connector.offered(deps) || !deps.slack.oauth) return null;
  const state = issueConnectState(connectStateSecret(deps.slack.signingSecret), grant, now(deps));
  return `${deps.publicUrl}${connector.pathPrefix}/start?state=${encodeURIComponent(state)}`;
}

export function now(deps: Pick<ApiDependencies, 'now'>): number {
  return deps.now?.() ?? Date.now();
}
