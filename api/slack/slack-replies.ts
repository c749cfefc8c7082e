import type { Tenant } from '../../entities';
import { callSlack, createSlackClient } from '../../clients/slack-client';
import type { ApiDependencies } from '../http/dependencies';

/**
 * Tells the clicking user something only they see. Uses the interaction's response_url when
 * it points at Slack (never anywhere else: no SSRF), otherwise chat.postEphemeral.
 */
export async function replyEphemeral(
  deps: ApiDependencies,
  tenant: Tenant,
  target: { responseUrl?: string; channelId?: string; userId: string },
  text: string,
): Promise<void> {
  if (target.responseUrl && isSlackResponseUrl(target.responseUrl, deps.slack.responseUrlOrigins)) {
    const response = await fetch(target.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: AbortSignal.timeout(5000),
    });
    if (response.ok) return;
  }
  if (!target.channelId) return;
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  await callSlack(() => slack.chat.postEphemeral({ channel: target.channelId!, user: target.userId, text }));
}

export function isSlackResponseUrl(url: string, allowedOrigins: string[]): boolean {
  try {
    return allowedOrigins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

export async function slackClientForTenant(deps: ApiDependencies, tenant: Tenant) {
  const token = tenant.botTokenSecretRef ? await deps.secrets.get(tenant.botTokenSecretRef) : null;
  return token ? createSlackClient({ token, apiUrl: deps.slack.apiUrl }) : null;
}

/** The tenant's Slack client; when its installation has no bot token, says so to the user instead. */
export async function slackClientOrExplain(deps: ApiDependencies, tenant: Tenant, reply: (text: string) => Promise<void>) {
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) await reply('This workspace’s Slack installation is incomplete; ask an admin to reinstall the app.');
  return slack;
}
