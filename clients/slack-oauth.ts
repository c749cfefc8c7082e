import { WebClient, LogLevel } from '@slack/web-api';
import { ExternalServiceError } from '../domain/service-errors';
import { callSlack } from './slack-client';

/**
 * Slack's OAuth v2 install (api-contracts.md §8.6): the authorize URL the browser is sent to,
 * and the exchange of the returned code for the workspace's bot token.
 */
export const slackAuthorizeUrl = 'https://slack.com/oauth/v2/authorize';

/**
 * What the bot does: the slash command; the card in the channel `/followup` was typed in, even a
 * public one the app was not invited to (chat:write.public); the rep's DM (im:write); the rep's
 * Slack profile (users:read, users:read.email).
 */
export const slackBotScopes = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email'];

export interface SlackInstallation {
  /** The tenant key: the enterprise id for an org-wide Enterprise Grid install, else the team id. */
  installationId: string;
  teamId: string | null;
  enterpriseId: string | null;
  /** Workspace name, or the org's name for an org-wide install. */
  name: string;
  isEnterpriseInstall: boolean;
  botToken: string;
  botUserId: string | null;
  appId: string | null;
  scope: string;
  installerUserId: string;
}

export function buildSlackAuthorizeUrl(options: { clientId: string; redirectUri: string; state: string; authorizeUrl?: string }): string {
  const url = new URL(options.authorizeUrl ?? slackAuthorizeUrl);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('scope', slackBotScopes.join(','));
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', options.state);
  return url.toString();
}

/** Calls oauth.v2.access (no token needed) and checks the answer has what an install needs. */
export async function exchangeSlackInstallCode(options: {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): Promise<SlackInstallation> {
  const slack = new WebClient(undefined, { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, timeout: 10_000 });
  const answer = await callSlack(() =>
    slack.oauth.v2.access({ client_id: options.clientId, client_secret: options.clientSecret, code: options.code, redirect_uri: options.redirectUri }),
  );
  const incomplete = (detail: string) =>
    new ExternalServiceError({ service: 'slack', kind: 'invalid', userMessage: 'Slack’s answer to the installation was incomplete.', detail });
  if (answer.token_type !== 'bot' || !answer.access_token) throw incomplete('no bot token in oauth.v2.access');
  // Rotating tokens expire after 12 hours and this app does not refresh them: it would stop working silently.
  if (answer.refresh_token || answer.expires_in) {
    throw new ExternalServiceError({
      service: 'slack',
      kind: 'invalid',
      userMessage: 'This Slack app has token rotation turned on, which this server does not support. Turn it off in the app’s OAuth settings and install again.',
      detail: 'oauth.v2.access returned an expiring bot token',
    });
  }
  const isEnterpriseInstall = answer.is_enterprise_install === true;
  const teamId = answer.team?.id ?? null;
  const enterpriseId = answer.enterprise?.id ?? null;
  const installationId = isEnterpriseInstall ? enterpriseId : teamId;
  if (!installationId) throw incomplete(isEnterpriseInstall ? 'org install without enterprise id' : 'install without team id');
  const installerUserId = answer.authed_user?.id;
  if (!installerUserId) throw incomplete('no authed_user');
  return {
    installationId,
    teamId,
    enterpriseId,
    name: (isEnterpriseInstall ? answer.enterprise?.name : answer.team?.name) ?? installationId,
    isEnterpriseInstall,
    botToken: answer.access_token,
    botUserId: answer.bot_user_id ?? null,
    appId: answer.app_id ?? null,
    scope: answer.scope ?? '',
    installerUserId,
  };
}

/**
 * Sign in with Slack (OpenID Connect): proves which Slack user holds the browser. Used before a
 * connect flow, so a connect link only works for the person it was made for.
 */
export const slackOpenIdAuthorizeUrl = 'https://slack.com/openid/connect/authorize';

export interface SlackIdentity {
  slackUserId: string;
  teamId: string;
  enterpriseId: string | null;
}

export function buildSlackOpenIdAuthorizeUrl(options: { clientId: string; redirectUri: string; state: string; teamId?: string; authorizeUrl?: string }): string {
  const url = new URL(options.authorizeUrl ?? slackOpenIdAuthorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state: options.state,
    // Preselects the workspace; the user still signs in as themselves.
    ...(options.teamId ? { team: options.teamId } : {}),
  }).toString();
  return url.href;
}

/**
 * Calls openid.connect.token and reads the user and workspace from the ID token. The token comes
 * straight from Slack over TLS, so its claims are trusted without checking the signature
 * (OpenID Connect Core §3.1.3.7), as for Google's.
 */
export async function exchangeSlackOpenIdCode(options: { apiUrl: string; clientId: string; clientSecret: string; code: string; redirectUri: string }): Promise<SlackIdentity> {
  const slack = new WebClient(undefined, { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, timeout: 10_000 });
  const answer = await callSlack(() =>
    slack.openid.connect.token({ client_id: options.clientId, client_secret: options.clientSecret, code: options.code, redirect_uri: options.redirectUri }),
  );
  const claims = claimsOf(answer.id_token);
  const slackUserId = claims['https://slack.com/user_id'];
  const teamId = claims['https://slack.com/team_id'];
  if (typeof slackUserId !== 'string' || typeof teamId !== 'string') {
    throw new ExternalServiceError({ service: 'slack', kind: 'invalid', userMessage: 'Slack did not say who signed in.', detail: 'openid.connect.token without user or team claims' });
  }
  const enterpriseId = claims['https://slack.com/enterprise_id'];
  return { slackUserId, teamId, enterpriseId: typeof enterpriseId === 'string' ? enterpriseId : null };
}

function claimsOf(idToken: string | undefined): Record<string, unknown> {
  try {
    const claims: unknown = JSON.parse(Buffer.from((idToken ?? '').split('.')[1] ?? '', 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
