import { setTimeout } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import type { MeetingActivities } from '../../../activities';
import type { CarriedAuditRow } from '../../../activities/attempt-audit';
import { toActivityFailure } from '../../../activities/failures';
import { ownRateLimitDetail } from '../../../clients/rate-limit-store';
import { ExternalServiceError } from '../../../domain/service-errors';
import type { AccountCandidate, AccountMatch, CrmContext, MeetingState } from '../../../domain/meeting';

/** The activities meetingFollowUp calls in these scenarios, under the names the worker registers them. */
export type MeetingWorkflowActivities = Pick<
  MeetingActivities,
  | 'loadMeeting'
  | 'draftFollowUp'
  | 'matchAccount'
  | 'publishCard'
  | 'logCrmNote'
  | 'createEmailDraft'
  | 'scheduleFollowUp'
  | 'sendEventInvitations'
  | 'rememberAccountChoice'
  | 'nudgeRep'
  | 'recordAudit'
  | 'reportFailedSync'
  | 'reportUndeliveredCard'
  | 'recordUnwrittenAttemptAudits'
>;

type InputOf<Name extends keyof MeetingWorkflowActivities> = Parameters<MeetingWorkflowActivities[Name]>[0];

export const acme: AccountCandidate = { id: 'acct-acme', name: 'Acme Inc', domain: 'acme.com', confidence: 0.95, source: 'domain' };
export const acmeEurope: AccountCandidate = { id: 'acct-acme-eu', name: 'Acme Europe GmbH', domain: 'acme.com', confidence: 0.6, source: 'domain' };
export const acmeLabs: AccountCandidate = { id: 'acct-acme-labs', name: 'Acme Labs', domain: 'acme.com', confidence: 0.6, source: 'domain' };

const hubspot: CrmContext = { provider: 'hubspot', capabilities: ['notes', 'tasks', 'deals', 'dealUpdate'] };

/** What the outside world looks like for one meeting. */
export interface MeetingScenario {
  /** Every attendee is from the rep's own company. */
  internalOnly?: boolean;
  /** What the CRM match finds; one confident account by default. */
  account?: AccountMatch;
  /** The CRM refuses this many note writes in a way no automatic retry fixes (a revoked connection). */
  noteRefusals?: number;
  /** The CRM takes this long (real time) to write a note; answered at once by default. */
  noteTakesMs?: number;
  /** Google refuses this many invitation sends in a way no automatic retry fixes (a revoked connection). */
  invitationRefusals?: number;
  /** Slack refuses the reminder for good (the rep left the workspace, the channel was archived). */
  nudgeFails?: boolean;
  /** The account choice cannot be remembered for good (the CRM refuses to show the account). */
  rememberFails?: boolean;
  /** The audit log cannot be written for good. */
  auditFails?: boolean;
  /** Slack refuses this many card publishes after all their retries (an outage that outlasts them). */
  cardRefusals?: number;
  /** Our shared rate limiter sends loading the meeting away this many times (its Fathom account is busy with a burst). */
  loadDeferrals?: number;
  /** Loading the meeting fails this many times as an unreachable database does (retryable). */
  loadFailures?: number;
  /** Loading the meeting books the draft's turn at Claude this far ahead (the tenant's share is spent by a burst). */
  draftTurnInMs?: number;
  /** The note's refusals carry these audit rows in their details, as an attempt does whose rows the database would not take. */
  noteRefusalAuditRows?: CarriedAuditRow[];
}

/**
 * Stand-ins for Slack, the CRM, Google and the database that record what reached them: what a
 * rep would see (cards, nudges, notes, drafts, events). Each write answers like the real one.
 */
export class StubbedServices {
  readonly cards: MeetingState[] = [];
  readonly nudges: InputOf<'nudgeRep'>[] = [];
  readonly notes: InputOf<'logCrmNote'>[] = [];
  readonly drafts: InputOf<'createEmailDraft'>[] = [];
  readonly events: InputOf<'scheduleFollowUp'>[] = [];
  readonly invitations: InputOf<'sendEventInvitations'>[] = [];
  readonly rememberedAccounts: InputOf<'rememberAccountChoice'>[] = [];
  readonly audit: InputOf<'recordAudit'>[] = [];
  readonly failedSyncReports: InputOf<'reportFailedSync'>[] = [];
  readonly draftsWritten: InputOf<'draftFollowUp'>[] = [];
  readonly undeliveredCardNotices: InputOf<'reportUndeliveredCard'>[] = [];
  readonly lateAuditRows: InputOf<'recordUnwrittenAttemptAudits'>[] = [];
  private noteRefusalsLeft: number;
  private cardRefusalsLeft: number;
  private invitationRefusalsLeft: number;
  private loadDeferralsLeft: number;
  private loadFailuresLeft: number;
  /** Attempts to load the meeting, deferred ones included. */
  loadAttempts = 0;

  constructor(private readonly scenario: MeetingScenario = {}) {
    this.noteRefusalsLeft = scenario.noteRefusals ?? 0;
    this.invitationRefusalsLeft = scenario.invitationRefusals ?? 0;
    this.cardRefusalsLeft = scenario.cardRefusals ?? 0;
    this.loadDeferralsLeft = scenario.loadDeferrals ?? 0;
    this.loadFailuresLeft = scenario.loadFailures ?? 0;
  }

  lastCard(): MeetingState | undefined {
    return this.cards.at(-1);
  }

  activities(): MeetingWorkflowActivities {
    const { scenario } = this;
    return {
      loadMeeting: async (input) => {
        this.loadAttempts += 1;
        if (this.loadDeferralsLeft > 0) {
          this.loadDeferralsLeft -= 1;
          // What the activity reports when the shared limiter gives it a turn 45 s away.
          throw toActivityFailure(
            new ExternalServiceError({ service: 'fathom', kind: 'retryable', detail: `${ownRateLimitDetail}, next slot in 45000 ms`, retryAfterMs: 45_000, userMessage: 'Fathom is busy for this account.' }),
          );
        }
        if (this.loadFailuresLeft > 0) {
          this.loadFailuresLeft -= 1;
          throw ApplicationFailure.retryable('The database is unavailable; it will be retried automatically.', 'database-unavailable');
        }
        const facts = loadedMeeting(input.recordingId, scenario);
        return scenario.draftTurnInMs ? { ...facts, draftTurnInMs: scenario.draftTurnInMs } : facts;
      },
      draftFollowUp: async (input) => {
        this.draftsWritten.push(input);
        return { revision: 1, generator: 'claude' };
      },
      matchAccount: async () => ({
        crm: hubspot,
        account: scenario.account ?? { verdict: 'matched', candidates: [acme], chosen: acme },
      }),
      publishCard: async (input) => {
        if (this.cardRefusalsLeft > 0) {
          this.cardRefusalsLeft -= 1;
          // What the workflow gets once the activity's own retries are spent: one attempt stands for them here.
          throw ApplicationFailure.create({ message: 'Slack is temporarily unavailable; it will be retried automatically.', type: 'retryable', nonRetryable: true });
        }
        this.cards.push(input.state);
        return { channel: 'C-sales', ts: '1700000000.000100' };
      },
      logCrmNote: async (input) => {
        if (scenario.noteTakesMs) await setTimeout(scenario.noteTakesMs);
        if (this.noteRefusalsLeft > 0) {
          this.noteRefusalsLeft -= 1;
          throw ApplicationFailure.create({
            message: 'HubSpot no longer accepts this workspace’s connection. Reconnect it in App Home.',
            type: 'reconnect',
            nonRetryable: true,
            details: scenario.noteRefusalAuditRows ? [{ service: 'hubspot', detail: null, status: 401 }, { unwrittenAuditRows: scenario.noteRefusalAuditRows }] : undefined,
          });
        }
        this.notes.push(input);
        return { externalId: `note-${this.notes.length}`, label: `Note on ${input.accountName ?? input.accountId}` };
      },
      createEmailDraft: async (input) => {
        this.drafts.push(input);
        return { externalId: 'gmail-draft-1', label: 'Draft in Gmail' };
      },
      scheduleFollowUp: async (input) => {
        this.events.push(input);
        return { externalId: 'calendar-event-1', label: 'Follow-up on Tue 10 Mar, 15:00' };
      },
      sendEventInvitations: async (input) => {
        // Google takes a moment, as it does for real: long enough for a second click to arrive meanwhile.
        await setTimeout(300);
        if (this.invitationRefusalsLeft > 0) {
          this.invitationRefusalsLeft -= 1;
          throw ApplicationFailure.nonRetryable('Google no longer accepts this workspace’s connection. Reconnect it in App Home.', 'reconnect');
        }
        this.invitations.push(input);
      },
      rememberAccountChoice: async (input) => {
        if (scenario.rememberFails) throw ApplicationFailure.nonRetryable('HubSpot refused to show the account', 'reconnect');
        this.rememberedAccounts.push(input);
      },
      nudgeRep: async (input) => {
        if (scenario.nudgeFails) throw ApplicationFailure.nonRetryable('Slack refused the reminder: channel_not_found', 'not-found');
        this.nudges.push(input);
      },
      recordAudit: async (entry) => {
        if (scenario.auditFails) throw ApplicationFailure.nonRetryable('The audit log is not writable', 'invalid');
        this.audit.push(entry);
      },
      reportFailedSync: async (input) => {
        this.failedSyncReports.push(input);
      },
      recordUnwrittenAttemptAudits: async (input) => {
        this.lateAuditRows.push(input);
      },
      reportUndeliveredCard: async (input) => {
        this.undeliveredCardNotices.push(input);
        return 'direct-message';
      },
    };
  }
}

function loadedMeeting(recordingId: string, scenario: MeetingScenario) {
  return {
    meetingRecordId: `record-${recordingId}`,
    title: 'Acme discovery call',
    startedAt: '2026-03-02T15:00:00Z',
    language: 'en',
    externalAttendeeCount: scenario.internalOnly ? 0 : 2,
    internalOnly: scenario.internalOnly ?? false,
  };
}
