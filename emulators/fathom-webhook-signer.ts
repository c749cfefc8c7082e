import { createHmac, randomBytes } from 'node:crypto';

/**
 * What Fathom does when it delivers a "new meeting content ready" webhook: Standard Webhooks
 * (Svix) signing, so tests can post deliveries our receiver must accept or reject.
 */
export interface SignedFathomWebhook {
  headers: {
    'webhook-id': string;
    'webhook-timestamp': string;
    'webhook-signature': string;
    'content-type': string;
  };
}

export function signFathomWebhook(delivery: {
  /** The webhook secret as Fathom hands it out, with or without the `whsec_` prefix. */
  secret: string;
  /** The exact body bytes that will be sent. */
  body: string;
  /** Stays the same when Fathom redelivers, so receivers dedupe on it. */
  webhookId?: string;
  /** Unix seconds; defaults to now. Pass an old one to test the 5-minute tolerance. */
  timestamp?: number;
}): SignedFathomWebhook {
  const webhookId = delivery.webhookId ?? `msg_${randomBytes(12).toString('base64url')}`;
  const timestamp = String(delivery.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from(delivery.secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${delivery.body}`).digest('base64');
  return {
    headers: {
      'webhook-id': webhookId,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
      'content-type': 'application/json',
    },
  };
}
