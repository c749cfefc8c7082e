import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';

/** Only sent to the codec paths, never readable by scripts in the page. */
export const operatorSessionCookie = 'followup_operator_session';
const sessionSeconds = 8 * 60 * 60;

/**
 * Operators (our staff, not Slack users) prove themselves with CODEC_OPERATOR_TOKEN, either as
 * `Authorization: Bearer <token>` (CLI `--codec-auth`, scripts) or with the session cookie
 * that POST /codec/login sets, which is what the Temporal Web UI can send ("Include
 * cross-origin credentials"). Without a configured token every operator request is refused.
 */
export function operatorAuthenticated(token: string | undefined, now: () => number = Date.now): Middleware {
  return async (ctx, next) => {
    if (!token || !(hasBearerToken(ctx, token) || hasValidSession(ctx, token, now()))) {
      ctx.status = 401;
      ctx.set('www-authenticate', 'Bearer realm="operator"');
      ctx.body = { error: 'operator authentication required' };
      return;
    }
    return next();
  };
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
