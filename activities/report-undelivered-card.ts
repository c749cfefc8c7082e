import { callSlack } from '../clients/slack-client';
import { inTenant } from '../db/tenant-scope';
import type { ActionFailure } from '../domain/meeting';
import { undeliveredCardText } from '../slack/undelivered-card-message';
import type { ActivityDependencies } from './dependencies';
import { loadRep, loadTenant, slackClientFor } from './tenant-services';

export interface ReportUndeliveredCardInput {
  tenantId: string;
  repSlackUserId: string;
  title: string;
  failure: ActionFailure;
  /** Whether the card was posted once (then it is the update that failed). */
  cardPosted: boolean;
  /** The /followup command's response_url, when the meeting came from one. */
  responseUrl?: string;
}

/** Where a response_url may point: Slack's hooks host, or the Slack the worker talks to (the emulator locally). */
function trustedResponseUrl(url: string, slackApiUrl: string): boolean {
  try {
    const origin = new URL(url).origin;
    return origin === 'https://hooks.slack.com' || origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Tells the rep, in their language, that Slack did not take their card. The command's response_url first: it needs no
 * token, so it still works when the app's token was revoked. Otherwise a DM, which works when Slack
 * refused only the card; when the token is dead too this fails, and the meeting stays marked
 * "needs-attention" for admins and operators (the workflow's search attribute).
 */
export function reportUndeliveredCardActivity(deps: ActivityDependencies) {
  return async function reportUndeliveredCard(input: ReportUndeliveredCardInput): Promise<'response-url' | 'direct-message'> {
    const { tenant, rep } = await inTenant(deps.orm, input.tenantId, async (em) => ({
      tenant: await loadTenant(em, input.tenantId),
      rep: await loadRep(em, input.repSlackUserId),
    }));
    const text = undeliveredCardText({ ...input, locale: rep?.locale ?? null });
    if (input.responseUrl && trustedResponseUrl(input.responseUrl, deps.slackApiUrl)) {
      const response = await fetch(input.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
      if (response?.ok) return 'response-url';
      // An expired or used-up response_url (30 minutes, 5 uses) is not worth a retry: try the DM.
    }
    const slack = await slackClientFor(deps, tenant);
    await callSlack(() => slack.chat.postMessage({ channel: input.repSlackUserId, text }));
    return 'direct-message';
  };
}
