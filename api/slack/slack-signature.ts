import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a request older (or newer) than this is refused. */
export const slackSignatureWindowSeconds = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the
 * app's signing secret, compared in constant time, within a 5-minute window.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(input.nowSeconds - Number(timestampHeader)) > slackSignatureWindowSeconds) {
    return { ok: false, reason: 'timestamp outside the 5-minute window' };
  }
  if (!signatureHeader.startsWith('v0=')) return { ok: false, reason: 'unsupported signature version' };
  const expected = Buffer.from(
    `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestampHeader}:`).update(input.rawBody).digest('hex')}`,
  );
  const received = Buffer.from(signatureHeader);
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'signature mismatch' };
  }
  return { ok: true };
}
