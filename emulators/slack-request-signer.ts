import { createHmac } from 'node:crypto';

/**
 * What Slack itself does when it calls our app (slash commands, interactivity, Events API):
 * build the exact body bytes and sign them with the app's signing secret (v0 scheme).
 */
export interface SignedSlackRequest {
  headers: {
    'x-slack-request-timestamp': string;
    'x-slack-signature': string;
    'content-type': string;
  };
}

export function signSlackRequest(request: {
  signingSecret: string;
  body: string;
  /** Unix seconds; defaults to now. Pass an old one to test the 5-minute replay window. */
  timestamp?: number;
  /** Defaults to JSON for a JSON-looking body (Events API), otherwise form-urlencoded. */
  contentType?: string;
}): SignedSlackRequest {
  const timestamp = String(request.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', request.signingSecret).update(`v0:${timestamp}:${request.body}`).digest('hex');
  const looksLikeJson = request.body.trimStart().startsWith('{');
  return {
    headers: {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${signature}`,
      'content-type': request.contentType ?? (looksLikeJson ? 'application/json' : 'application/x-www-form-urlencoded'),
    },
  };
}

/** Interactivity body (block_actions, view_submission, ...): one form field `payload` holding JSON. */
export function blockActionsBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Slash-command body: flat form fields (`command`, `text`, `team_id`, `trigger_id`, ...). */
export function slashCommandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
