import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { operatorIdentity } from './operator-identity';
import type { OperatorAttemptLimiter } from './operator-rate-limit';

/** Sent with every request to the operator listener, never readable by scripts in the page. */
export const operatorSessionCookie = 'followup_operator_session';
const sessionSeconds = 8 * 60 * 60;

/** What operator authentication needs: the token, and whom to believe about addresses and names. */
export interface OperatorAuthSettings {
  token: string;
  identityHeader?: string;
  trustedProxies: string[];
}

/**
 * Operators (our staff, not Slack users) prove themselves with CODEC_OPERATOR_TOKEN, either as
 * `Authorization: Bearer <token>` (CLI `--codec-auth`, scripts) or with the session cookie
 * that POST /codec/login sets, which the browser sends to the Web UI the operator listener
 * serves and to its codec endpoint. A wrong token or session counts against the client's failure
 * limit; a request with none is answered 401 at once and counts as nothing. With
 * `signInBrowsers`, a browser opening a page is sent to the sign-in page instead of the 401. The
 * operator's identity is left in `ctx.state.operator` for the audit log.
 */
export function operatorAuthenticated(
  settings: OperatorAuthSettings,
  limiter: OperatorAttemptLimiter,
  now: () => number = Date.now,
  options: { signInBrowsers?: boolean } = {},
): Middleware {
  return async (ctx, next) => {
    const identity = operatorIdentity(ctx, settings);
    if (!(hasBearerToken(ctx, settings.token) || hasValidSession(ctx, settings.token, now()))) {
      if (ctx.get('authorization') || ctx.cookies.get(operatorSessionCookie)) limiter.recordFailure(identity.address);
      if (options.signInBrowsers && isPageNavigation(ctx)) {
        ctx.redirect(`/codec/login?next=${encodeURIComponent(ctx.url)}`);
        return;
      }
      ctx.status = 401;
      ctx.set('www-authenticate', 'Bearer realm="operator"');
      ctx.body = {
        error: 'operator authentication required: send "Authorization: Bearer <CODEC_OPERATOR_TOKEN>" (temporal --codec-auth) or sign in at /codec/login',
      };
      return;
    }
    ctx.state.operator = identity;
    return next();
  };
}

/** A browser opening a page (not a script's fetch, which asks for JSON or anything). */
function isPageNavigation(ctx: Context): boolean {
  return (ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.get('accept').includes('text/html');
}

export function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `<expiry seconds>.<HMAC of the expiry keyed by the token>`: expires, and is not the token itself. */
export function operatorSessionValue(token: string, nowMs: number): { value: string; maxAgeSeconds: number } {
  const expires = Math.floor(nowMs / 1000) + sessionSeconds;
  return { value: `${expires}.${sessionSignature(token, expires)}`, maxAgeSeconds: sessionSeconds };
}

function sessionSignature(token: string, expires: number): string {
  return createHmac('sha256', token).update(`operator-session:${expires}`).digest('base64url');
}

function hasBearerToken(ctx: Context, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'));
  return !!match && tokenMatches(match[1]!.trim(), token);
}

function hasValidSession(ctx: Context, token: string, nowMs: number): boolean {
  const value = ctx.cookies.get(operatorSessionCookie);
  const match = value ? /^(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(value) : null;
  if (!match) return false;
  const expires = Number(match[1]);
  return expires > nowMs / 1000 && tokenMatches(match[2]!, sessionSignature(token, expires));
}
