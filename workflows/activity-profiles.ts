/**
 * Retry policy per kind of activity, and the activities each one runs. Temporal owns every retry:
 * the clients inside activities have their own SDK retries turned off, and errors retrying cannot
 * fix are non-retryable. Retry-After from a service reaches Temporal as the failure's nextRetryDelay.
 * Each profile is destructured into its own activities only, so a CRM write cannot run by mistake
 * under, say, Slack's policy.
 *
 * Each activity also has a priority on the task queue (domain/task-dispatch.ts): what a person is
 * waiting on goes before background work. Without one it inherits its workflow's. Its tenant's
 * fairness key and weight are always inherited from the workflow. The priority is not part of
 * what replay compares (test/replay), so running meetings pick it up for activities they schedule next.
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { MeetingActivities } from '../activities';
import { priorityKeys } from '../domain/task-dispatch';
import { waitingOutRateLimits } from './rate-limit-waits';

/** Failure types thrown by activities for errors that another attempt cannot fix. */
const nonRetryableFailureTypes = ['reconnect', 'invalid', 'not-found', 'limit-reached', 'not-configured'];

type Timeouts = Pick<ActivityOptions, 'startToCloseTimeout' | 'heartbeatTimeout'>;
type Backoff = Required<Pick<RetryPolicy, 'initialInterval' | 'maximumInterval' | 'maximumAttempts'>>;
interface Policy {
  timeouts: Timeouts;
  backoff: Backoff;
}

/** Exponential backoff, giving up at once on what another attempt cannot fix. */
function retryPolicyOf({ initialInterval, maximumInterval, maximumAttempts }: Backoff): RetryPolicy {
  return { initialInterval, backoffCoefficient: 2, maximumInterval, maximumAttempts, nonRetryableErrorTypes: nonRetryableFailureTypes };
}

/**
 * Every profile backs off exponentially and gives up at once on what another attempt cannot fix.
 * `priorityKey` unset: the workflow's own priority. A turn our shared rate limiter hands out is
 * waited for on a workflow timer and spends no attempt (rate-limit-waits.ts), unless nobody
 * would still want the answer by then (`waitOutRateLimits: false`).
 */
function profile({ timeouts, backoff }: Policy, priorityKey?: number, { waitOutRateLimits = true } = {}) {
  const activities = proxyActivities<MeetingActivities>({
    ...timeouts,
    retry: retryPolicyOf(backoff),
    ...(priorityKey === undefined ? {} : { priority: { priorityKey } }),
  });
  return waitOutRateLimits ? waitingOutRateLimits(activities) : activities;
}

/** Our own Postgres: fast, and worth retrying for a while during a database blip. */
const database: Policy = { timeouts: { startToCloseTimeout: '30 seconds' }, backoff: { initialInterval: '500 ms', maximumInterval: '30 seconds', maximumAttempts: 20 } };
export const { loadMeeting } = profile(database);
/**
 * Loading a meeting the webhook already stored is a few database reads: run in the workflow task
 * that needs it (a local activity), it costs no activity task, no second workflow task and none of
 * their writes on the Temporal server, which a workspace's burst of recordings made a queue
 * another workspace's clicks waited in (bench/README, noisy-neighbour drill). Runs on the patch
 * baseline load this way (workflows/patch-baseline.ts).
 */
export const loadMeetingInTask = waitingOutRateLimits(
  proxyLocalActivities<Pick<MeetingActivities, 'loadMeeting'>>({
    ...database.timeouts,
    retry: retryPolicyOf(database.backoff),
    // Longer backoffs (a database or Fathom outage) wait on a workflow timer, not in a task kept open by heartbeats.
    localRetryThreshold: '5 seconds',
  }),
).loadMeeting;
/** The rep's edits and account choice, and the audit line of a retry someone asked for. */
export const { rememberAccountChoice, saveDraftEdits, recordAudit } = profile(database, priorityKeys.personWaiting);
/**
 * The audit rows an action's last attempt could not write (workflows/unwritten-audit-rows.ts):
 * no attempt limit (Infinity: the SDK refuses 0), since the database may be down for longer than
 * an action's retries last and the rows exist nowhere else; the activity fails for good on anything but an unavailable database.
 */
export const { recordUnwrittenAttemptAudits } = profile(
  { timeouts: database.timeouts, backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: Number.POSITIVE_INFINITY } },
  priorityKeys.background,
);
export const { deactivateTenant, markTenantDeleted, deleteTenantSecrets, deleteTenantRows, purgeExpiredTranscriptBatch, forgetOldDeliveries, forgetIdleRateLimitBuckets } = profile(
  database,
  priorityKeys.maintenance,
);

/** Anthropic: slow calls, 429/529 under load; a few patient attempts. Heartbeats reveal a dead worker fast. */
export const { draftFollowUp } = profile({
  timeouts: { startToCloseTimeout: '3 minutes', heartbeatTimeout: '15 seconds' },
  backoff: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** CRM writes: rate limited per tenant; back off, and give up to the rep's Retry button after a few. Heartbeats reveal a dead worker fast. */
const crmWrites: Policy = {
  timeouts: { startToCloseTimeout: '1 minute', heartbeatTimeout: '10 seconds' },
  backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
};
export const { logCrmNote, createCrmTask, updateCrmDeal, showDealEditor } = profile(crmWrites, priorityKeys.personWaiting);
/** The note the meeting logs on its own when the account match is confident: nobody clicked, nobody waits. */
export const { logCrmNote: logCrmNoteUnattended } = profile(crmWrites, priorityKeys.background);

/** CRM lookups (account matching): slow searches; heartbeats reveal a dead worker fast. */
export const { matchAccount } = profile({
  timeouts: { startToCloseTimeout: '2 minutes', heartbeatTimeout: '15 seconds' },
  backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
});

/**
 * CRM searches a rep is waiting on while typing: Slack drops options that take over 3 seconds, so
 * one short attempt and no waiting for a rate-limit turn; the next keystroke is the retry.
 */
export const { searchCrmAccounts, searchCrmContacts } = profile(
  { timeouts: { startToCloseTimeout: '3 seconds' }, backoff: { initialInterval: '1 second', maximumInterval: '1 second', maximumAttempts: 1 } },
  priorityKeys.personWaiting,
  { waitOutRateLimits: false },
);

/** Gmail and Calendar, each a rep's click. */
export const { createEmailDraft, scheduleFollowUp, sendEventInvitations } = profile(
  {
    timeouts: { startToCloseTimeout: '1 minute', heartbeatTimeout: '10 seconds' },
    backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 6 },
  },
  priorityKeys.personWaiting,
);

/** Slack: Tier 3 limits on chat.update; the card must eventually show the truth. */
const slack: Policy = { timeouts: { startToCloseTimeout: '30 seconds' }, backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 } };
/** The card is what the rep looks at after every click. */
export const { publishCard } = profile(slack, priorityKeys.personWaiting);
export const { nudgeRep } = profile(slack, priorityKeys.background);

/** Telling admins about a failed sync: best effort, so a few quick attempts and the meeting moves on. */
export const { reportFailedSync } = profile(
  { timeouts: { startToCloseTimeout: '30 seconds' }, backoff: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 } },
  priorityKeys.background,
);
/** Telling the rep about a card Slack refused: best effort like the admin report, but a person is waiting for that card. */
export const { reportUndeliveredCard } = profile(
  { timeouts: { startToCloseTimeout: '30 seconds' }, backoff: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 } },
  priorityKeys.personWaiting,
);

/** Calls to Temporal itself (listing and signalling workflows): heartbeats while paging a long list. */
export const { closeTenantMeetings } = profile(
  {
    timeouts: { startToCloseTimeout: '5 minutes', heartbeatTimeout: '30 seconds' },
    backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
  },
  priorityKeys.maintenance,
);

/**
 * Offboarding's revocations at Google and the CRMs: the activity retries each provider a few times
 * itself and records what stays unrevoked, so these retries only cover our database and a dead worker.
 */
export const { removeTenantCredentials } = profile(
  {
    timeouts: { startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds' },
    backoff: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
  },
  priorityKeys.maintenance,
);
