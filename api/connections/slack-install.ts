import type { Context } from 'koa';
import { ExternalServiceError } from '../../domain/service-errors';
import { buildSlackAuthorizeUrl, exchangeSlackInstallCode } from '../../clients/slack-oauth';
import type { ApiDependencies } from '../http/dependencies';
import { installedPage, installPageSecurityHeaders, installProblemPage } from './install-pages';
import { consumeOAuthState, issueOAuthState, oauthStateLifetimeMs } from './oauth-state';
import { recordSlackInstallation } from './slack-installation';
import { refreshRepProfile } from '../slack/rep-profile';

const stateCookie = 'slack_install_state';
const callbackPath = '/slack/oauth/callback';

/** Slack errors of oauth.v2.access that mean this deployment's app settings are wrong, not the user's link. */
const misconfiguration = new Set(['bad_redirect_uri', 'invalid_client_id', 'bad_client_secret', 'invalid_grant_type']);

/** `GET /slack/install`: sends the browser to Slack's consent screen with a fresh signed state. */
export function slackInstallHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const oauth = deps.slack.oauth;
    if (!oauth) return notOffered(ctx);
    const state = issueOAuthState(oauth.stateSecret, now(deps));
    ctx.append('set-cookie', stateCookieHeader(deps, state, Math.floor(oauthStateLifetimeMs / 1000)));
    ctx.set('cache-control', 'no-store');
    ctx.redirect(buildSlackAuthorizeUrl({ clientId: oauth.clientId, redirectUri: redirectUri(deps), state }));
  };
}

/** `GET /slack/oauth/callback`: checks the state, exchanges the code, records the install. */
export function slackOAuthCallbackHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const oauth = deps.slack.oauth;
    if (!oauth) return notOffered(ctx);
    ctx.append('set-cookie', stateCookieHeader(deps, '', 0));
    const retryUrl = `${deps.publicUrl}/slack/install`;
    const problem = (status: number, title: string, message: string) => {
      ctx.status = status;
      ctx.set(installPageSecurityHeaders);
      ctx.type = 'html';
      ctx.body = installProblemPage({ title, message, retryUrl });
    };
    if (typeof ctx.query.error === 'string') {
      return problem(400, 'Installation cancelled', 'Slack did not install the app. You can start again whenever you like.');
    }
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    // The cookie proves this browser started the install; the state proves this server did.
    if (!state || !code || ctx.cookies.get(stateCookie) !== state) {
      deps.logger.warn('Refused Slack install callback', { reason: !state || !code ? 'missing state or code' : 'state does not match this browser' });
      return problem(400, 'Install link not valid here', 'Start the installation from this browser again; the link is only valid in the browser that opened it, for 10 minutes.');
    }
    const check = await consumeOAuthState(deps.orm, oauth.stateSecret, state, now(deps));
    if (!check.ok) {
      deps.logger.warn('Refused Slack install callback', { reason: check.reason });
      return problem(400, 'Install link expired', 'This install link has expired or was already used. Start the installation again.');
    }

    let install;
    try {
      install = await exchangeSlackInstallCode({ apiUrl: deps.slack.apiUrl, clientId: oauth.clientId, clientSecret: oauth.clientSecret, code, redirectUri: redirectUri(deps) });
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      deps.logger.error('Slack install exchange failed', { error });
      if (error.detail === 'invalid_code') return problem(400, 'Install link expired', 'Slack no longer accepts this install link. Start the installation again.');
      if (misconfiguration.has(error.detail ?? '')) {
        return problem(500, 'Installation is misconfigured', 'This server’s Slack app settings do not match Slack’s. An operator has been told.');
      }
      if (error.kind === 'invalid') return problem(400, 'Installation failed', error.userMessage);
      return problem(502, 'Slack did not answer', 'Slack could not complete the installation right now. Please try again in a minute.');
    }

    const { tenant, reinstalled } = await recordSlackInstallation(deps, install, new Date(now(deps)));
    // Postgres announces the change to every API process; this one need not wait for the notice.
    deps.tenants.forget(tenant.id);
    await refreshRepProfile(deps, tenant.id, install.installerUserId);
    deps.logger.info('Slack app installed', { tenantId: tenant.id, reinstalled, enterpriseInstall: install.isEnterpriseInstall });
    ctx.status = 200;
    ctx.set(installPageSecurityHeaders);
    ctx.type = 'html';
    ctx.body = installedPage({
      workspaceName: install.name,
      reinstalled,
      openSlackUrl: install.appId && install.teamId ? `https://slack.com/app_redirect?app=${encodeURIComponent(install.appId)}&team=${encodeURIComponent(install.teamId)}` : null,
    });
  };
}

function notOffered(ctx: Context): void {
  ctx.status = 404;
  ctx.set(installPageSecurityHeaders);
  ctx.type = 'html';
  ctx.body = installProblemPage({ title: 'Installing is not offered here', message: 'This server has no Slack app credentials configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).' });
}

function redirectUri(deps: ApiDependencies): string {
  return `${deps.publicUrl}${callbackPath}`;
}

function now(deps: ApiDependencies): number {
  return deps.now?.() ?? Date.now();
}

/**
 * Written by hand rather than through ctx.cookies: Koa refuses a Secure cookie unless it sees
 * TLS itself, which a TLS-terminating proxy without X-Forwarded-Proto would hide. Lax, because
 * Slack's redirect back is a top-level cross-site navigation.
 */
function stateCookieHeader(deps: ApiDependencies, value: string, maxAgeSeconds: number): string {
  const secure = deps.publicUrl.startsWith('https://') ? '; Secure' : '';
  return `${stateCookie}=${value}; Path=${callbackPath}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}
