import type { Context } from 'koa';
import { buildSlackOpenIdAuthorizeUrl, exchangeSlackOpenIdCode, type SlackIdentity } from '../../clients/slack-oauth';
import { ExternalServiceError } from '../../domain/service-errors';
import { inTenant } from '../../db/tenant-scope';
import { Tenant, User } from '../../entities';
import {
  connectStateSecret,
  consumeConnectState,
  identityProof,
  isIdentityProof,
  pkceFor,
  readConnectState,
  type ConnectGrant,
  type ConnectTarget,
} from './connect-state';
import type { ApiDependencies } from '../http/dependencies';
import { installPageSecurityHeaders, installProblemPage } from './install-pages';
import { oauthStateLifetimeMs } from './oauth-state';
import { now, oauthConnectors, type OAuthConnector } from './oauth-connectors';

/**
 * A connect flow has three legs in the browser, each bound to the one before:
 *   1. `<prefix>/start?state=…` (the link in App Home) sends the browser to Sign in with Slack;
 *   2. `/connect/slack-identity/callback` checks that Slack signed in the very user and workspace
 *      the link was made for, then sends the browser to the provider's consent screen;
 *   3. `<prefix>/callback` uses the state up, exchanges the code (with PKCE) and stores the result.
 * A link that reaches someone else stops at leg 2: they cannot connect their account to the rep.
 */
export const connectIdentityCallbackPath = '/connect/slack-identity/callback';
const stateCookie = 'connect_state';
const identityCookie = 'connect_identity';
const cookieLifetimeSeconds = Math.floor(oauthStateLifetimeMs / 1000);

/** `GET <prefix>/start?state=…`: checks the state (without using it up) and asks Slack who holds this browser. */
export function connectStartHandler(deps: ApiDependencies, target: ConnectTarget) {
  const connector = oauthConnectors[target];
  return async (ctx: Context): Promise<void> => {
    if (!connector.offered(deps) || !deps.slack.oauth) return notOffered(ctx, connector);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const check = readConnectState(connectStateSecret(deps.slack.signingSecret), state, now(deps));
    if (!check.ok || check.grant.target !== target) {
      deps.logger.warn('Refused connect start', { target, reason: check.ok ? 'state for another service' : check.reason });
      return expiredLink(ctx, connector);
    }
    const tenant = await connectableTenant(deps, connector, check.grant);
    if (!tenant) return notAllowed(ctx, connector);
    ctx.append('set-cookie', cookieHeader(deps, stateCookie, state, connectIdentityCallbackPath, cookieLifetimeSeconds));
    ctx.set('cache-control', 'no-store');
    ctx.redirect(buildSlackOpenIdAuthorizeUrl({ clientId: deps.slack.oauth.clientId, redirectUri: `${deps.publicUrl}${connectIdentityCallbackPath}`, state, teamId: tenant.slackTeamId }));
  };
}

/** `GET /connect/slack-identity/callback`: the Slack user signed in must be the link's; then on to the provider. */
export function connectIdentityCallbackHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    ctx.append('set-cookie', cookieHeader(deps, stateCookie, '', connectIdentityCallbackPath, 0));
    const secret = connectStateSecret(deps.slack.signingSecret);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const check = readConnectState(secret, state, now(deps));
    const connector = check.ok ? oauthConnectors[check.grant.target] : undefined;
    if (!check.ok || !connector) {
      deps.logger.warn('Refused connect identity', { reason: check.ok ? 'unknown service' : check.reason });
      return expiredLink(ctx);
    }
    if (!connector.offered(deps) || !deps.slack.oauth) return notOffered(ctx, connector);
    if (typeof ctx.query.error === 'string') return declined(ctx, connector);
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    // The cookie proves this browser opened the link; Slack's answer says who is using it.
    if (!code || ctx.cookies.get(stateCookie) !== state) {
      deps.logger.warn('Refused connect identity', { target: check.grant.target, reason: !code ? 'missing code' : 'state does not match this browser' });
      return expiredLink(ctx, connector);
    }
    const tenant = await connectableTenant(deps, connector, check.grant);
    if (!tenant) return notAllowed(ctx, connector);
    let identity: SlackIdentity;
    try {
      identity = await exchangeSlackOpenIdCode({ apiUrl: deps.slack.apiUrl, ...deps.slack.oauth, code, redirectUri: `${deps.publicUrl}${connectIdentityCallbackPath}` });
    } catch (error) {
      if (!(error instanceof ExternalServiceError)) throw error;
      deps.logger.warn('Sign in with Slack failed', { target: check.grant.target, tenantId: check.grant.tenantId, error });
      return page(ctx, 502, `${connector.label} was not connected`, 'Slack did not confirm who you are, so nothing was stored. Use Connect in the app’s Home tab to start again.');
    }
    const sameWorkspace = identity.teamId === tenant.slackTeamId || identity.enterpriseId === tenant.slackTeamId;
    if (identity.slackUserId !== check.grant.slackUserId || !sameWorkspace) {
      deps.logger.warn('Connect link used by another Slack user', { target: check.grant.target, tenantId: check.grant.tenantId });
      return page(
        ctx,
        403,
        `${connector.label} was not connected`,
        `This link was made for another Slack user. To connect your own ${connector.label} account, use Connect in the app’s Home tab in Slack.`,
      );
    }
    const redirectUri = providerRedirectUri(deps, connector);
    ctx.append('set-cookie', cookieHeader(deps, identityCookie, identityProof(secret, state), `${connector.pathPrefix}/callback`, cookieLifetimeSeconds));
    ctx.set('cache-control', 'no-store');
    ctx.redirect(connector.authorizeUrl(deps, { redirectUri, state, pkce: pkceFor(secret, state) }));
  };
}

/** `GET <prefix>/callback`: checks the identity proof, uses up the state, exchanges the code, stores the credentials. */
export function connectCallbackHandler(deps: ApiDependencies, target: ConnectTarget) {
  const connector = oauthConnectors[target];
  return async (ctx: Context): Promise<void> => {
    if (!connector.offered(deps)) return notOffered(ctx, connector);
    ctx.append('set-cookie', cookieHeader(deps, identityCookie, '', `${connector.pathPrefix}/callback`, 0));
    if (typeof ctx.query.error === 'string') return declined(ctx, connector);
    const secret = connectStateSecret(deps.slack.signingSecret);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    // Only the browser in which Slack confirmed the link's user holds the proof for this state.
    if (!state || !code || !isIdentityProof(secret, state, ctx.cookies.get(identityCookie))) {
      deps.logger.warn('Refused connect callback', { target, reason: !state || !code ? 'missing state or code' : 'no Slack identity check in this browser' });
      return expiredLink(ctx, connector);
    }
    const check = await consumeConnectState(deps.orm, secret, state, now(deps));
    if (!check.ok || check.grant.target !== target) {
      deps.logger.warn('Refused connect callback', { target, reason: check.ok ? 'state for another service' : check.reason });
      return expiredLink(ctx, connector);
    }
    if (!(await connectableTenant(deps, connector, check.grant))) return notAllowed(ctx, connector);
    try {
      await connector.complete(deps, check.grant, { code, redirectUri: providerRedirectUri(deps, connector), pkce: pkceFor(secret, state) });
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
async function connectableTenant(deps: ApiDependencies, connector: OAuthConnector, grant: ConnectGrant): Promise<Tenant | null> {
  return inTenant(deps.orm, grant.tenantId, async (em) => {
    const tenant = await em.findOne(Tenant, { id: grant.tenantId });
    if (tenant?.status !== 'active') return null;
    if (!connector.adminsOnly) return tenant;
    return (await em.findOne(User, { slackUserId: grant.slackUserId }))?.role === 'admin' ? tenant : null;
  });
}

function expiredLink(ctx: Context, connector?: OAuthConnector): void {
  page(ctx, 400, 'Connect link expired', `This link has expired or was already used. Open the app’s Home tab in Slack and use Connect${connector ? ` ${connector.label}` : ''} again.`);
}

function declined(ctx: Context, connector: OAuthConnector): void {
  page(ctx, 400, `${connector.label} was not connected`, `You did not allow access, so nothing was stored. Use Connect in the app’s Home tab to try again.`);
}

function notOffered(ctx: Context, connector: OAuthConnector): void {
  page(ctx, 404, `Connecting ${connector.label} is not offered here`, 'This server has no OAuth app configured for it.');
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

function providerRedirectUri(deps: ApiDependencies, connector: OAuthConnector): string {
  return `${deps.publicUrl}${connector.pathPrefix}/callback`;
}

/** As for the Slack install: written by hand so it survives a TLS-terminating proxy; Lax for the redirects back from Slack and the provider. */
function cookieHeader(deps: ApiDependencies, name: string, value: string, path: string, maxAgeSeconds: number): string {
  const secure = deps.publicUrl.startsWith('https://') ? '; Secure' : '';
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}
