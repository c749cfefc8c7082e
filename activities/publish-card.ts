import { callSlack } from '../clients/slack-client';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import { renderMeetingCard } from '../slack/meeting-card';
import type { CardRef, MeetingState } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { loadTenant, slackClientFor } from './tenant-services';

export interface PublishCardInput {
  tenantId: string;
  workflowId: string;
  state: MeetingState;
}

/**
 * Posts the meeting card once, then edits it in place. chat.postMessage is not idempotent, so
 * the card's channel and ts are saved right after posting and a retry updates that message.
 */
export function publishCardActivity(deps: ActivityDependencies) {
  return async function publishCard(input: PublishCardInput): Promise<CardRef> {
    const { state } = input;
    const { tenant, record } = await inTenant(deps.orm, input.tenantId, async (em) => ({
      tenant: await loadTenant(em, input.tenantId),
      record: await em.findOne(MeetingRecord, { recordingId: state.recordingId }),
    }));
    const slack = await slackClientFor(deps, tenant);
    const message = renderMeetingCard({
      state,
      draft: record?.draft ?? null,
      title: record?.title ?? `recording ${state.recordingId}`,
      startedAt: record?.startedAt ?? deps.now(),
      externalAttendees: (record?.attendees ?? []).filter((a) => a.external).map((a) => a.email ?? a.name ?? ''),
    });

    const existing = state.card ?? (record?.cardChannel && record.cardTs ? { channel: record.cardChannel, ts: record.cardTs } : undefined);
    if (existing) {
      await callSlack(() => slack.chat.update({ channel: existing.channel, ts: existing.ts, text: message.text, blocks: message.blocks }));
      return existing;
    }
    const channel =
      state.cardChannel ??
      (await callSlack(() => slack.conversations.open({ users: state.repSlackUserId }))).channel?.id ??
      state.repSlackUserId;
    const posted = await callSlack(() => slack.chat.postMessage({ channel, text: message.text, blocks: message.blocks }));
    const card = { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    if (record) {
      await inTenant(deps.orm, input.tenantId, async (em) => {
        const fresh = await em.findOneOrFail(MeetingRecord, { id: record.id });
        fresh.cardChannel = card.channel;
        fresh.cardTs = card.ts;
      });
    }
    return card;
  };
}
