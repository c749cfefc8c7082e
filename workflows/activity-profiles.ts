/**
 * Retry policy per kind of activity, and the activities each one runs. Temporal owns every retry:
 * the clients inside activities have their own SDK retries turned off, and errors retrying cannot
 * fix are non-retryable. Retry-After from a service reaches Temporal as the failure's nextRetryDelay.
 * Each profile is destructured into its own activities only, so a CRM write cannot run by mistake
 * under, say, Slack's policy.
 */
import { proxyActivities, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { MeetingActivities } from '../activities';

/** Failure types thrown by activities for errors that another attempt cannot fix. */
const nonRetryableFailureTypes = ['reconnect', 'invalid', 'not-found', 'limit-reached', 'not-configured'];

type Timeouts = Pick<ActivityOptions, 'startToCloseTimeout' | 'heartbeatTimeout'>;
type Backoff = Required<Pick<RetryPolicy, 'initialInterval' | 'maximumInterval' | 'maximumAttempts'>>;

/** Every profile backs off exponentially and gives up at once on what another attempt cannot fix. */
function profile(timeouts: Timeouts, backoff: Backoff) {
  const { initialInterval, maximumInterval, maximumAttempts } = backoff;
  return proxyActivities<MeetingActivities>({
    ...timeouts,
    retry: { initialInterval, backoffCoefficient: 2, maximumInterval, maximumAttempts, nonRetryableErrorTypes: nonRetryableFailureTypes },
  });
}

/** Our own Postgres: fast, and worth retrying for a while during a database blip. */
export const {
  loadMeeting,
  rememberAccountChoice,
  saveDraftEdits,
  recordAudit,
  deactivateTenant,
  markTenantDeleted,
  deleteTenantSecrets,
  deleteTenantRows,
  purgeExpiredTranscriptBatch,
  forgetOldDeliveries,
} = profile({ startToCloseTimeout: '30 seconds' }, { initialInterval: '500 ms', maximumInterval: '30 seconds', maximumAttempts: 20 });

/** Anthropic: slow calls, 429/529 under load; a few patient attempts. Heartbeats reveal a dead worker fast. */
export const { draftFollowUp } = profile(
  { startToCloseTimeout: '3 minutes', heartbeatTimeout: '15 seconds' },
  { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
);

/** CRM writes: rate limited per tenant; back off, and give up to the rep's Retry button after a few. Heartbeats reveal a dead worker fast. */
export const { logCrmNote, createCrmTask, updateCrmDeal, showDealEditor } = profile(
  { startToCloseTimeout: '1 minute', heartbeatTimeout: '10 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
);

/** CRM lookups (account matching): slow searches; heartbeats reveal a dead worker fast. */
export const { matchAccount } = profile(
  { startToCloseTimeout: '2 minutes', heartbeatTimeout: '15 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
);

/**
 * CRM searches a rep is waiting on while typing: Slack drops options that take over 3 seconds, so
 * one short attempt; the next keystroke is the retry.
 */
export const { searchCrmAccounts, searchCrmContacts } = profile(
  { startToCloseTimeout: '3 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 second', maximumAttempts: 1 },
);

/** Gmail and Calendar. */
export const { createEmailDraft, scheduleFollowUp, sendEventInvitations } = profile(
  { startToCloseTimeout: '1 minute', heartbeatTimeout: '10 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
);

/** Slack: Tier 3 limits on chat.update; the card must eventually show the truth. */
export const { publishCard, nudgeRep } = profile({ startToCloseTimeout: '30 seconds' }, { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 });

/** Telling admins about a failed sync, or the rep about a card Slack refused: best effort, so a few quick attempts and the meeting moves on. */
export const { reportFailedSync, reportUndeliveredCard } = profile({ startToCloseTimeout: '30 seconds' }, { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 });

/** Calls to Temporal itself (listing and signalling workflows): heartbeats while paging a long list. */
export const { closeTenantMeetings } = profile(
  { startToCloseTimeout: '5 minutes', heartbeatTimeout: '30 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
);

/**
 * Offboarding's revocations at Google and the CRMs: the activity retries each provider a few times
 * itself and records what stays unrevoked, so these retries only cover our database and a dead worker.
 */
export const { removeTenantCredentials } = profile(
  { startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds' },
  { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
);
