import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { firstDelivery } from '../../db/inbound-deliveries';

/**
 * The OAuth `state` of a Slack install: a random nonce and an expiry, HMAC-signed so only this
 * server can mint one, valid for 10 minutes, and usable once (the nonce is claimed in the
 * inbound_delivery table, like a webhook id). The same value sits in an HttpOnly cookie so the
 * callback only completes in the browser that started the install.
 */
export const oauthStateLifetimeMs = 10 * 60 * 1000;
const version = 'v1';

export type OAuthStateCheck = { ok: true } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'already-used' };

export function issueOAuthState(secret: string, nowMs: number): string {
  const nonce = randomBytes(16).toString('base64url');
  const expiresAt = String(Math.floor((nowMs + oauthStateLifetimeMs) / 1000));
  const signed = `${version}.${nonce}.${expiresAt}`;
  return `${signed}.${sign(secret, signed)}`;
}

/** Checks signature and expiry first, then claims the nonce: a replayed state is refused. */
export async function consumeOAuthState(orm: Orm, secret: string, state: string, nowMs: number): Promise<OAuthStateCheck> {
  const parts = state.split('.');
  if (parts.length !== 4 || parts[0] !== version || !/^\d{1,12}$/.test(parts[2]!)) return { ok: false, reason: 'malformed' };
  const [, nonce, expiresAt, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${version}.${nonce}.${expiresAt}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  if (Number(expiresAt) * 1000 < nowMs) return { ok: false, reason: 'expired' };
  if (!(await firstDelivery(orm, 'oauth-state', nonce))) return { ok: false, reason: 'already-used' };
  return { ok: true };
}

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}
