/**
 * The meeting vocabulary: a recorded meeting, its draft, actions and their statuses, the
 * workflow's state and who acts on it. Dependency-free on purpose: the workflow bundle imports
 * it, so it must not pull in anything from Node.
 */
import type { CrmCapability, CrmProviderName } from './crm';

export interface MeetingAttendee {
  name: string | null;
  email: string | null;
  domain: string | null;
  external: boolean;
}

export interface SalesInsights {
  techStack: string;
  painPoints: string;
  impact: string;
  nextSteps: string;
  roadblocks: string;
}

/** What was agreed about the next meeting, as understood from the transcript. */
export interface AgreedFollowUp {
  agreed: boolean;
  /** Local date-time the parties agreed on (no offset), e.g. 2026-12-03T15:00, when stated. */
  localDateTime?: string;
  /** The words used in the meeting, e.g. "next Tuesday afternoon". */
  phrase?: string;
}

export interface FollowUpDraft {
  summary: string;
  nextSteps: string[];
  insights: SalesInsights;
  emailSubject: string;
  /** Gmail-safe HTML (b, br, p, ul, li only). */
  emailHtml: string;
  crmNote: string;
  followUp: AgreedFollowUp;
  language: string;
  /** 'claude' for Anthropic output; 'extractive' for the offline drafter, which says so. */
  generator: 'claude' | 'extractive';
  model: string;
  promptVersion: string;
  /** Incremented by every edit; actions record which revision they used. */
  revision: number;
  editedBySlackUserId?: string;
}

/**
 * What the card can do for a meeting. 'invitations' follows a created event (the guests are emailed
 * only when the rep confirms it), so it is offered with the event, never on its own.
 */
export type ActionKind = 'note' | 'draft' | 'event' | 'invitations' | 'task' | 'deal';
export const actionKinds: readonly ActionKind[] = ['note', 'draft', 'event', 'invitations', 'task', 'deal'];
/** Actions that must be done or dismissed before a meeting counts as finished. */
export const coreActionKinds: readonly ActionKind[] = ['note', 'draft', 'event'];

export type ActionStatus = 'idle' | 'pending' | 'done' | 'failed' | 'dismissed';

export interface ActionFailure {
  /** A sentence the rep can act on. */
  message: string;
  /** reconnect / invalid / not-found / limit-reached / retryable / unknown */
  kind: string;
}

export interface ActionState {
  status: ActionStatus;
  attempts: number;
  externalId?: string;
  url?: string;
  /** Short human description of the result, e.g. "Note on Acme Inc" */
  label?: string;
  failure?: ActionFailure;
  bySlackUserId?: string;
}

export type MatchVerdict = 'matched' | 'ambiguous' | 'none';

export interface AccountCandidate {
  id: string;
  name: string;
  domain?: string;
  url?: string;
  /** 0..1: how sure the matcher is. */
  confidence: number;
  source: AccountMatchSource;
}

/**
 * Where a candidate came from: a domain mapping a rep made by picking an account earlier
 * ('rep-mapping'), one an admin set or the app learned ('mapping'), a CRM search by domain or by
 * company name, or the rep's own pick on this card ('rep').
 */
export type AccountMatchSource = 'rep-mapping' | 'mapping' | 'domain' | 'name' | 'rep';

export interface AccountMatch {
  verdict: MatchVerdict;
  candidates: AccountCandidate[];
  chosen?: AccountCandidate;
}

export type MeetingStatus =
  | 'preparing'
  | 'skipped-internal'
  | 'awaiting-rep'
  | 'working'
  | 'needs-attention'
  | 'completed'
  | 'dismissed'
  | 'expired'
  | 'cancelled';

export type CrmSyncStatus = 'not-started' | 'pending' | 'synced' | 'failed' | 'dismissed';

/** Facts about the meeting small enough for workflow history (no transcript, no emails). */
export interface MeetingFacts {
  meetingRecordId: string;
  title: string;
  startedAt: string;
  language: string | null;
  externalAttendeeCount: number;
  internalOnly: boolean;
}

export interface CrmContext {
  provider: CrmProviderName | null;
  capabilities: CrmCapability[];
}

export interface CardRef {
  channel: string;
  ts: string;
}

export interface MeetingState {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  status: MeetingStatus;
  facts?: MeetingFacts;
  draftRevision: number;
  draftGenerator?: FollowUpDraft['generator'];
  account?: AccountMatch;
  crm: CrmContext;
  actions: Record<ActionKind, ActionState>;
  /** The tenant's policy at start: which actions the card offers. */
  offeredActions: ActionKind[];
  card?: CardRef;
  /** Where the card goes: a channel the command came from, or the rep's DM. */
  cardChannel?: string;
  nudged: boolean;
  /** Error that stopped preparation (meeting not found, Fathom not connected...). */
  preparationFailure?: ActionFailure;
  /** Why Slack did not take the latest card (revoked token, outage); cleared once it does. */
  cardFailure?: ActionFailure;
}

/** Who asks for an action: always derived by the API from a verified Slack request. */
export interface Actor {
  tenantId: string;
  slackUserId: string;
  isAdmin: boolean;
  /**
   * The API's signature over this actor and the meeting's workflow (runtime/actor-proof.ts);
   * activities act only for a signed actor. Absent only for the system actor, which the
   * workflow creates itself and no update may carry.
   */
  proof?: string;
}

/** The Slack user id of the actor the workflow itself acts as (automatic note logging). */
export const systemActorId = 'system';

/** What every activity acting for someone receives: who, with what authority, and the proof. */
export interface ActingFor {
  actorSlackUserId: string;
  actorIsAdmin: boolean;
  actorProof?: string;
}

export interface TranscriptLine {
  speaker: string;
  speakerEmail?: string | null;
  text: string;
  /** hh:mm:ss from the start of the recording. */
  timestamp: string;
}

export interface RecordedMeeting {
  recordingId: string;
  title: string;
  url: string;
  shareUrl?: string;
  startedAt: string;
  endedAt?: string;
  /** ISO 639-1 code when the recorder knows it. */
  language: string | null;
  attendees: MeetingAttendee[];
  recordedByEmail: string | null;
  transcript: TranscriptLine[];
}

export interface MeetingListItem {
  recordingId: string;
  title: string;
  startedAt: string;
  /** When the recorder created it: what its list is ordered and filtered by. */
  createdAt: string;
  durationMinutes: number;
  externalAttendeeCount: number;
}

/** Fathom's recording ids are numbers; no other text ever names a meeting (or its workflow). */
export function isRecordingId(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}
