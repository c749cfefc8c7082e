import type { Context } from 'koa';
import { ExternalServiceError } from '../../domain/service-errors';
import { inTenant } from '../../db/tenant-scope';
import { Tenant, User } from '../../entities';
import { connectStateSecret, consumeConnectState, readConnectState, type ConnectGrant, type ConnectTarget } from './connect-state';
import type { ApiDependencies } from '../http/dependencies';
import { installPageSecurityHeaders, installProblemPage } from './install-pages';
import { oauthStateLifetimeMs } from './oauth-state';
import { now, oauthConnectors, type OAuthConnector } from './oauth-connectors';

const stateCookie = 'connect_state';

/**
 * `GET <prefix>/start?state=…`: the link from App Home. Checks the state (without using it up),
 * pins it to this browser with a cookie and sends the browser to the provider's consent screen.
 */
export function connectStartHandler(deps: ApiDependencies, target: ConnectTarget) {
  const connector = oauthConnectors[target];
  return async (ctx: Context): Promise<void> => {
    if (!connector.offered(deps)) return page(ctx, 404, `Connecting ${connector.label} is not offered here`, 'This server has no OAuth app configured for it.');
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const check = readConnectState(connectStateSecret(deps.slack.signingSecret), state, now(deps));
    if (!check.ok || check.grant.target !== target) {
      deps.logger.warn('Refused connect start', { target, reason: check.ok ? 'state for another service' : check.reason });
      return expiredLink(ctx, connector);
    }
    if (!(await mayConnect(deps, connector, check.grant))) return notAllowed(ctx, connector);
    ctx.append('set-cookie', stateCookieHeader(deps, connector, state, Math.floor(oauthStateLifetimeMs / 1000)));
    ctx.set('cache-control', 'no-store');
    ctx.redirect(connector.authorizeUrl(deps, { redirectUri: redirectUri(deps, connector), state }));
  };
}

/** `GET <prefix>/callback`: checks and uses up the state, exchanges the code, stores the credentials. */
export function connectCallbackHandler(deps: ApiDependencies, target: ConnectTarget) {
  const connector = oauthConnectors[target];
  return async (ctx: Context): Promise<void> => {
    if (!connector.offered(deps)) return page(ctx, 404, `Connecting ${connector.label} is not offered here`, 'This server has no OAuth app configured for it.');
    ctx.append('set-cookie', stateCookieHeader(deps, connector, '', 0));
    if (typeof ctx.query.error === 'string') {
      return page(ctx, 400, `${connector.label} was not connected`, `You did not allow access, so nothing was stored. Use Connect in the app’s Home tab to try again.`);
    }
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    // The cookie proves this browser started the flow; the state proves this server did, for whom.
    if (!state || !code || ctx.cookies.get(stateCookie) !== state) {
      deps.logger.warn('Refused connect callback', { target, reason: !state || !code ? 'missing state or code' : 'state does not match this browser' });
      return expiredLink(ctx, connector);
    }
    const check = await consumeConnectState(deps.orm, connectStateSecret(deps.slack.signingSecret), state, now(deps));
    if (!check.ok || check.grant.target !== target) {
      deps.logger.warn('Refused connect callback', { target, reason: check.ok ? 'state for another service' : check.reason });
      return expiredLink(ctx, connector);
    }
    if (!(await mayConnect(deps, connector, check.grant))) return notAllowed(ctx, connector);
    try {
      await connector.complete(deps, check.grant, { code, redirectUri: redirectUri(deps, connector) });
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      deps.logger.warn('Connect code exchange failed', { target, tenantId: check.grant.tenantId, error });
      const message = error.kind === 'retryable' ? `${connector.label} did not answer. Please try again in a minute.` : `${connector.label} did not accept the sign-in, so nothing was stored. Use Connect in the app’s Home tab to start again.`;
      return page(ctx, 502, `${connector.label} was not connected`, message);
    }
    deps.logger.info('Account connected', { target, tenantId: check.grant.tenantId });
    return page(ctx, 200, `✅ ${connector.label} is connected`, 'You can close this tab and go back to Slack.');
  };
}

/** The workspace must still be installed, and a CRM can only be connected by one of its admins. */
async function mayConnect(deps: ApiDependencies, connector: OAuthConnector, grant: ConnectGrant): Promise<boolean> {
  return inTenant(deps.orm, grant.tenantId, async (em) => {
    const tenant = await em.findOne(Tenant, { id: grant.tenantId });
    if (tenant?.status !== 'active') return false;
    if (!connector.adminsOnly) return true;
    return (await em.findOne(User, { slackUserId: grant.slackUserId }))?.role === 'admin';
  });
}

function expiredLink(ctx: Context, connector: OAuthConnector): void {
  page(ctx, 400, 'Connect link expired', `This link has expired or was already used. Open the app’s Home tab in Slack and use Connect ${connector.label} again.`);
}

function notAllowed(ctx: Context, connector: OAuthConnector): void {
  page(ctx, 403, `${connector.label} was not connected`, `Only a workspace admin can connect ${connector.label}, and only while the app is installed.`);
}

/** install-pages renders any title-and-message page; connect outcomes use the same safe HTML. */
function page(ctx: Context, status: number, title: string, message: string): void {
  ctx.status = status;
  ctx.set(installPageSecurityHeaders);
  ctx.type = 'html';
  ctx.body = installProblemPage({ title, message });
}

function redirectUri(deps: ApiDependencies, connector: OAuthConnector): string {
  return `${deps.publicUrl}${connector.pathPrefix}/callback`;
}

/** As for the Slack install: written by hand so it survives a TLS-terminating proxy; Lax for the provider's redirect back. */
function stateCookieHeader(deps: ApiDependencies, connector: OAuthConnector, value: string, maxAgeSeconds: number): string {
  const secure = deps.publicUrl.startsWith('https://') ? '; Secure' : '';
  return `${stateCookie}=${value}; Path=${connector.pathPrefix}/callback; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}
