import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Tenant } from '../../entities';
import { callSlack, createSlackClient } from '../../clients/slack-client';
import { PostgresRateLimitStore } from '../../db/api-rate-limits';
import { postToResponseUrl } from './response-url';
import type { ApiDependencies } from '../http/dependencies';

/**
 * What talking to a tenant's Slack workspace needs: its bot token (secret store), Slack's address
 * and the database holding the rate-limit buckets shared with the workers.
 */
export type SlackAccess = Pick<ApiDependencies, 'secrets' | 'slack' | 'orm'>;

/**
 * The API answers people: it waits at most this long for a Slack bucket, then fails as a 429 would.
 * Calls on a click's trigger_id skip the buckets (clients/slack-client.ts).
 */
const maxRateLimitWaitMs = 1_000;

/** Slack answers a response_url post at once; past this the reply is given up (and logged). */
const responseUrlTimeoutMs = 5_000;

/**
 * Tells the clicking user something only they see. Uses the interaction's response_url when
 * it points at Slack (never anywhere else: no SSRF), otherwise chat.postEphemeral.
 */
export async function replyEphemeral(
  deps: SlackAccess,
  tenant: Tenant,
  target: { responseUrl?: string; channelId?: string; userId: string },
  text: string,
): Promise<void> {
  if (target.responseUrl && isSlackResponseUrl(target.responseUrl, deps.slack.responseUrlOrigins)) {
    const status = await postToResponseUrl(target.responseUrl, { response_type: 'ephemeral', replace_original: false, text }, responseUrlTimeoutMs);
    if (status >= 200 && status < 300) return;
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

export async function slackClientForTenant(deps: SlackAccess, tenant: Tenant) {
  const token = tenant.botTokenSecretRef ? await deps.secrets.get(tenant.botTokenSecretRef) : null;
  return token ? createSlackClient({ token, apiUrl: deps.slack.apiUrl, rateLimits: new PostgresRateLimitStore(deps.orm), maxRateLimitWaitMs }) : null;
}

/** The tenant's Slack client; when its installation has no bot token, says so to the user instead. */
export async function slackClientOrExplain(deps: SlackAccess, tenant: Tenant, reply: (text: string) => Promise<void>) {
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) await reply('This workspace’s Slack installation is incomplete; ask an admin to reinstall the app.');
  return slack;
}

/** A modal about to open in answer to a click, and the client that opens it (to update the view later). */
export interface ModalOpener {
  slack: WebClient;
  /** Opens `view` on the click's trigger id; resolves to the opened view's id. */
  open(view: ModalView): Promise<string | undefined>;
}

/**
 * What every modal opened from a click needs first: Slack's trigger id, and the workspace's bot
 * (or a word to the user that the installation is incomplete). Undefined when it cannot open.
 */
export async function modalOpener(
  deps: SlackAccess,
  tenant: Tenant,
  triggerId: string | undefined,
  reply: (text: string) => Promise<void>,
): Promise<ModalOpener | undefined> {
  if (!triggerId) return undefined;
  const slack = await slackClientOrExplain(deps, tenant, reply);
  if (!slack) return undefined;
  return {
    slack,
    open: async (view) => (await callSlack(() => slack.views.open({ trigger_id: triggerId, view }))).view?.id,
  };
}
