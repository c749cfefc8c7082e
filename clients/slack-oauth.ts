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
