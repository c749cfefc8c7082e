/**
 * Retry policy per kind of activity. Temporal owns every retry: the clients inside activities
 * have their own SDK retries turned off, and errors retrying cannot fix are non-retryable.
 * Retry-After from a service reaches Temporal as the failure's nextRetryDelay.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/** Failure types thrown by activities for errors that another attempt cannot fix. */
export const nonRetryableFailureTypes = ['reconnect', 'invalid', 'not-found', 'limit-reached', 'not-configured'];

export const activityProfiles = {
  /** Our own Postgres: fast, and worth retrying for a while during a database blip. */
  database: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** Anthropic: slow calls, 429/529 under load; a few patient attempts. Heartbeats reveal a dead worker fast. */
  ai: {
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '15 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** CRM writes: rate limited per tenant; back off, and give up to the rep's Retry button after a few. Heartbeats reveal a dead worker fast. */
  crm: {
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** CRM lookups (account matching): slow searches; heartbeats reveal a dead worker fast. */
  crmLookup: {
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '15 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** Gmail and Calendar. */
  google: {
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** Slack: Tier 3 limits on chat.update; the card must eventually show the truth. */
  slack: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
  /** Calls to Temporal itself (listing and signalling workflows): heartbeats while paging a long list. */
  temporal: {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: nonRetryableFailureTypes },
  },
} satisfies Record<string, ActivityOptions>;
