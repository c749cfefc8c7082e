/**
 * Fathom "new meeting content ready" webhooks: signature check (Standard Webhooks / Svix scheme,
 * as Fathom's SDK does it) and payload parsing into a RecordedMeeting.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { toRecordedMeeting } from './fathom-meeting-mapper';
import type { RecordedMeeting } from '../domain/meeting';

/** Accepts Node/Koa request headers as they are (values may be arrays or absent). */
export interface FathomWebhookHeaders {
  'webhook-id'?: string | string[];
  'webhook-timestamp'?: string | string[];
  'webhook-signature'?: string | string[];
}

export type FathomWebhookVerification = { ok: true; webhookId: string } | { ok: false; reason: string };

/** Svix's tolerance: older deliveries are replays, newer ones come from a wrong clock. */
const webhookToleranceSeconds = 5 * 60;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks one delivery. `rawBody` must be the exact bytes received (before any JSON parsing);
 * `now` is milliseconds since the epoch. The returned `webhookId` is stable across Fathom's
 * redeliveries, so callers dedupe on it.
 */
export function verifyFathomWebhook(input: {
  secret: string;
  headers: FathomWebhookHeaders;
  rawBody: string | Buffer;
  now?: number;
}): FathomWebhookVerification {
  const webhookId = singleHeader(input.headers['webhook-id']);
  const timestamp = singleHeader(input.headers['webhook-timestamp']);
  const signatures = singleHeader(input.headers['webhook-signature']);
  if (!webhookId) return { ok: false, reason: 'missing webhook-id header' };
  if (!timestamp) return { ok: false, reason: 'missing webhook-timestamp header' };
  if (!signatures) return { ok: false, reason: 'missing webhook-signature header' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' };

  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const ageSeconds = nowSeconds - Number(timestamp);
  if (ageSeconds > webhookToleranceSeconds) return { ok: false, reason: 'webhook-timestamp is too old' };
  if (ageSeconds < -webhookToleranceSeconds) return { ok: false, reason: 'webhook-timestamp is in the future' };

  const secret = input.secret.replace(/^whsec_/, '');
  if (!secret) return { ok: false, reason: 'no webhook secret is configured' };
  const body = typeof input.rawBody === 'string' ? input.rawBody : input.rawBody.toString('utf8');
  const expected = createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(`${webhookId}.${timestamp}.${body}`)
    .digest('base64');

  // Several space-separated signatures appear while a secret is being rotated; one match is enough.
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => constantTimeEquals(entry.slice('v1,'.length), expected));
  return matches ? { ok: true, webhookId } : { ok: false, reason: 'no webhook-signature matches' };
}

/**
 * The webhook body is a Fathom Meeting object. The transcript is included only when the webhook
 * was registered with include_transcript; otherwise it is empty and getMeeting must load it.
 * Throws ExternalServiceError (kind 'invalid') naming the first field that does not fit.
 */
export function parseFathomWebhookMeeting(body: unknown): RecordedMeeting {
  return toRecordedMeeting(body);
}
