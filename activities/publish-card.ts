import type { EntityManager } from '@mikro-orm/postgresql';
import { callSlack } from '../clients/slack-client';
import { ExternalServiceError } from '../domain/service-errors';
import { inTenant } from '../db/tenant-scope';
import { renderMeetingCard } from '../slack/meeting-card';
import type { CardRef, MeetingState } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { readCardView, saveCardRef } from './card-views';
import { loadTenant, slackClientFor } from './tenant-services';

export interface PublishCardInput {
  tenantId: string;
  workflowId: string;
  state: MeetingState;
}

/**
 * Slack's answers when the bot may not post in the channel `/followup` was typed in: a private
 * channel or group DM it was not added to, or an archived channel (chat.postMessage errors).
 */
const channelClosedToBot = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/**
 * Posts the meeting card once, then edits it in place. chat.postMessage is not idempotent, so
 * the card's channel and ts are saved right after posting and a retry updates that message.
 * A card the command's channel does not accept goes to the rep's DM, so the rep still gets it.
 */
export function publishCardActivity(deps: ActivityDependencies) {
  return async function publishCard(input: PublishCardInput): Promise<CardRef> {
    const { state } = input;
    // A kept client means the tenant row is unchanged since its token was read (tenant-slack-clients.ts): no need to load it.
    const kept = deps.slackClients.cached(input.tenantId);
    const fresh = (em: EntityManager) => readCardView(em, input.tenantId, state.recordingId);
    // An edit may show a kept view; a post reads afresh, for the card an earlier attempt may have saved.
    const shown = () => (state.card ? deps.cardViews.viewOf({ tenantId: input.tenantId, recordingId: state.recordingId, draftRevision: state.draftRevision }, () => inTenant(deps.orm, input.tenantId, fresh)) : inTenant(deps.orm, input.tenantId, fresh));
    const { tenant, view } = kept
      ? { tenant: null, view: await shown() }
      : await inTenant(deps.orm, input.tenantId, async (em) => ({ tenant: await loadTenant(em, input.tenantId), view: await fresh(em) }));
    const slack = kept ?? (await slackClientFor(deps, tenant!));
    const message = renderMeetingCard({
      state,
      draft: view?.draft ?? null,
      title: view?.title ?? `recording ${state.recordingId}`,
      startedAt: view?.startedAt ?? (state.facts ? new Date(state.facts.startedAt) : null),
      timeZone: view?.timeZone ?? 'UTC',
      locale: view?.locale ?? null,
      externalAttendees: view?.externalAttendees ?? [],
    });

    const existing = state.card ?? (view?.cardChannel && view.cardTs ? { channel: view.cardChannel, ts: view.cardTs } : undefined);
    if (existing) {
      await callSlack(() => slack.chat.update({ channel: existing.channel, ts: existing.ts, text: message.text, blocks: message.blocks }));
      return existing;
    }
    const post = (channel: string) => callSlack(() => slack.chat.postMessage({ channel, text: message.text, blocks: message.blocks }));
    // The rep's user id as the channel posts in the app's DM with them, and Slack answers with that
    // DM's id, which later edits use. No conversations.open first: it is Tier 3 (about 50 a minute per
    // workspace), so a team's burst of meetings would spend it on opening the same few DMs again.
    let channel = state.cardChannel ?? state.repSlackUserId;
    let posted;
    try {
      posted = await post(channel);
    } catch (error) {
      if (!state.cardChannel || !(error instanceof ExternalServiceError && channelClosedToBot.has(error.detail ?? ''))) throw error;
      channel = state.repSlackUserId;
      posted = await post(channel);
    }
    const card = { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    if (view) await inTenant(deps.orm, input.tenantId, (em) => saveCardRef(em, input.tenantId, state.recordingId, card));
    return card;
  };
}
