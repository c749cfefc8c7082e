import type { EntityManager } from '@mikro-orm/postgresql';
import { BoundedTtlCache } from '../db/bounded-ttl-cache';
import type { TenantChangeSubscriber } from '../db/tenant-change-feed';
import type { FollowUpDraft, MeetingAttendee } from '../domain/meeting';

/** What a meeting card shows from Postgres: the meeting record's title, time, guests and draft, and the rep's zone and locale. */
export interface CardView {
  draft: FollowUpDraft | null;
  title: string;
  startedAt: Date;
  externalAttendees: string[];
  timeZone: string;
  locale: string | null;
  /** Where the card was posted, remembered so a retried post edits it instead of posting twice. */
  cardChannel: string | null;
  cardTs: string | null;
}

export interface CardViewsOptions {
  ttlMs: number;
  maxMeetings: number;
  now?: () => number;
}

interface CardViewRow {
  title: string;
  started_at: Date;
  attendees: MeetingAttendee[];
  draft: FollowUpDraft | null;
  card_channel: string | null;
  card_ts: string | null;
  time_zone: string | null;
  locale: string | null;
}

/**
 * The meeting record and its rep in one statement, without entity loading (the ORM's query building
 * and hydration were most of a card edit's database cost: bench/README.md, benchmark 3). It runs in
 * the caller's tenant transaction, so row-level security applies; the tenant condition is the one
 * the ORM's tenant filter would add.
 */
export async function readCardView(em: EntityManager, tenantId: string, recordingId: string): Promise<CardView | null> {
  const [row] = await em.execute<CardViewRow[]>(
    `select m.title, m.started_at, m.attendees, m.draft, m.card_channel, m.card_ts, u.time_zone, u.locale
       from meeting_record m
       left join app_user u on u.tenant_id = m.tenant_id and u.slack_user_id = m.rep_slack_user_id
      where m.tenant_id = ? and m.recording_id = ?`,
    [tenantId, recordingId],
  );
  if (!row) return null;
  return {
    draft: row.draft,
    title: row.title,
    startedAt: new Date(row.started_at),
    externalAttendees: (row.attendees ?? []).filter((a) => a.external).map((a) => a.email ?? a.name ?? ''),
    timeZone: row.time_zone ?? 'UTC',
    locale: row.locale,
    cardChannel: row.card_channel,
    cardTs: row.card_ts,
  };
}

/** Remembers where the meeting's card was posted; `updated_at` as the ORM's onUpdate would set it. */
export async function saveCardRef(em: EntityManager, tenantId: string, recordingId: string, card: { channel: string; ts: string }): Promise<void> {
  await em.execute(`update meeting_record set card_channel = ?, card_ts = ?, updated_at = now() where tenant_id = ? and recording_id = ?`, [card.channel, card.ts, tenantId, recordingId]);
}

/**
 * What each card edit of a meeting shows from Postgres, kept for a few minutes per meeting and draft
 * revision, so the several edits of one meeting (each click makes the card pending, then done) read
 * the record and the rep once instead of on every edit (bench/README.md, benchmark 3).
 *
 * Why it stays current: the draft, the only part that changes while the card is live, changes only
 * with a new revision, which is in the key (the workflow passes its revision with every edit). Title,
 * time and guests are stored before the meeting is prepared. The rep's zone and locale are refreshed
 * at most daily, when the meeting starts; the TTL bounds how long an older one is shown. A tenant
 * change (uninstall, deletion, a user's role) drops the tenant's views, and nothing is kept while the
 * change feed is down, as for the kept Slack clients (tenant-slack-clients.ts). A retried post never
 * uses a kept view: it needs the card reference saved by the earlier attempt.
 */
export class CardViews implements TenantChangeSubscriber {
  private live = false;
  private generation = 0;
  private readonly views: BoundedTtlCache<string, { tenantId: string; view: CardView }>;

  constructor(options: CardViewsOptions) {
    this.views = new BoundedTtlCache({ maxEntries: options.maxMeetings, ttlMs: options.ttlMs }, options.now);
  }

  /** The meeting's view at `draftRevision`, kept or read with `read` (null: no record yet, which is never kept). */
  async viewOf(meeting: { tenantId: string; recordingId: string; draftRevision: number }, read: () => Promise<CardView | null>): Promise<CardView | null> {
    const key = `${meeting.tenantId}:${meeting.recordingId}:${meeting.draftRevision}`;
    const kept = this.views.get(key);
    if (kept) return kept.view;
    const generation = this.generation;
    const view = await read();
    if (view && this.live && this.generation === generation) this.views.set(key, { tenantId: meeting.tenantId, view });
    return view;
  }

  changed(tenantId: string): void {
    this.generation += 1;
    this.views.deleteWhere((_key, entry) => entry.tenantId === tenantId);
  }

  liveChanged(live: boolean): void {
    this.live = live;
    this.generation += 1;
    this.views.clear();
  }
}
