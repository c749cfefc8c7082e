import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OAuthCrmProvider } from '../../clients/crm/crm-oauth-connect';
import type { Orm } from '../../db/orm';
import { firstDelivery } from '../../db/inbound-deliveries';
import { oauthStateLifetimeMs } from './oauth-state';

/**
 * The OAuth `state` of connecting Google or a CRM from App Home. Like the Slack install state it
 * is HMAC-signed, valid for 10 minutes and usable once (nonce claimed in inbound_delivery); it
 * also names the Slack user and tenant it was minted for, and the browser that opens the link must
 * sign in with Slack as that very user (connect-routes.ts) before it reaches the provider, so the
 * tokens stored are always those of the person who saw the link in their own Home tab.
 */
export type ConnectTarget = 'google' | OAuthCrmProvider;

export interface ConnectGrant {
  tenantId: string;
  slackUserId: string;
  target: ConnectTarget;
}

export type ConnectStateCheck = { ok: true; grant: ConnectGrant } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'already-used' };

interface StatePayload {
  v: 1;
  n: string;
  e: number;
  t: string;
  u: string;
  p: ConnectTarget;
}

/** Its own key, derived from the signing secret with a label: it can sign nothing else. */
export function connectStateSecret(signingSecret: string): string {
  return createHmac('sha256', signingSecret).update('connect-oauth-state/v1').digest('base64url');
}

export function issueConnectState(secret: string, grant: ConnectGrant, nowMs: number): string {
  const payload: StatePayload = {
    v: 1,
    n: randomBytes(16).toString('base64url'),
    e: Math.floor((nowMs + oauthStateLifetimeMs) / 1000),
    t: grant.tenantId,
    u: grant.slackUserId,
    p: grant.target,
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${sign(secret, encoded)}`;
}

/** Signature and expiry only: the start of the flow must not use the state up. */
export function readConnectState(secret: string, state: string, nowMs: number): ConnectStateCheck {
  const parsed = verified(secret, state, nowMs);
  return parsed.ok ? { ok: true, grant: grantOf(parsed.payload) } : parsed;
}

/** Signature, expiry, then the nonce is claimed: a replayed callback is refused. */
export async function consumeConnectState(orm: Orm, secret: string, state: string, nowMs: number): Promise<ConnectStateCheck> {
  const parsed = verified(secret, state, nowMs);
  if (!parsed.ok) return parsed;
  if (!(await firstDelivery(orm, 'connect-state', parsed.payload.n))) return { ok: false, reason: 'already-used' };
  return { ok: true, grant: grantOf(parsed.payload) };
}

function verified(
  secret: string,
  state: string,
  nowMs: number,
): { ok: true; payload: StatePayload } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' } {
  const [encoded, signature, ...rest] = state.split('.');
  if (!encoded || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, encoded));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as StatePayload;
  if (payload.e * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

/**
 * What the browser holds once Slack confirmed it is signed in as the link's user: a MAC of the
 * state, so it proves the check for this one flow and cannot be made without the server's key.
 */
export function identityProof(secret: string, state: string): string {
  return sign(secret, `slack-identity-verified:${state}`);
}

export function isIdentityProof(secret: string, state: string, proof: string | undefined): boolean {
  const expected = Buffer.from(identityProof(secret, state));
  const given = Buffer.from(proof ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * PKCE (RFC 7636, S256) for one flow, derived from its state: the verifier never leaves the
 * server and needs no storage, and an intercepted code cannot be redeemed without it.
 */
export function pkceFor(secret: string, state: string): { verifier: string; challenge: string } {
  const verifier = sign(secret, `pkce-verifier:${state}`);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function grantOf(payload: StatePayload): ConnectGrant {
  return { tenantId: payload.t, slackUserId: payload.u, target: payload.p };
}

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}
