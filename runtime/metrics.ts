/**
 * The application's Prometheus metrics, in one registry that the worker and the API each serve at
 * /metrics. Label values are small closed sets (kinds, results, providers, plans, status classes,
 * fixed routes): never a tenant id, a user, an email or free text, so a series count stays bounded
 * however many workspaces there are.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Side effects the rep asked for (CRM note, Gmail draft, Calendar event, …), one per attempt. */
export const actionAttempts = new Counter({
  name: 'followup_action_attempts_total',
  help: 'Attempts of an action side effect (crm.note, gmail.draft, calendar.event, …) by kind and result (success, failure).',
  labelNames: ['kind', 'result'] as const,
  registers: [metricsRegistry],
});

/** Every HTTP request to an outside service, from whichever client library made it. */
export const externalCalls = new Counter({
  name: 'followup_external_calls_total',
  help: 'HTTP calls to outside services by service and status class (2xx, 3xx, 4xx, 5xx, network-error).',
  labelNames: ['service', 'status_class'] as const,
  registers: [metricsRegistry],
});

export const crmErrors = new Counter({
  name: 'followup_crm_errors_total',
  help: 'Failed CRM work by provider and error kind (retryable, reconnect, not-found, invalid, other).',
  labelNames: ['provider', 'kind'] as const,
  registers: [metricsRegistry],
});

export const activityRetries = new Counter({
  name: 'followup_activity_retries_total',
  help: 'Activity attempts after the first (attempt > 1), by activity type.',
  labelNames: ['activity'] as const,
  registers: [metricsRegistry],
});

export const aiTokensUsed = new Counter({
  name: 'followup_ai_tokens_used_total',
  help: 'AI tokens (input + output) spent drafting follow-ups, by the tenant plan.',
  labelNames: ['plan'] as const,
  registers: [metricsRegistry],
});

/** Slack gives up after 3 s: the buckets are dense below that. */
export const slackAckSeconds = new Histogram({
  name: 'followup_slack_ack_seconds',
  help: 'Time until the API answered a Slack request, by route and outcome (ok, refused, unavailable, error).',
  labelNames: ['route', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5],
  registers: [metricsRegistry],
});

export const meetingUpdates = new Counter({
  name: 'followup_meeting_updates_total',
  help: 'Clicks handed to meeting workflows as updates, by outcome (accepted, rejected, pending, unavailable) and rejection reason.',
  labelNames: ['outcome', 'reason'] as const,
  registers: [metricsRegistry],
});

/** The text exposition format, with its content type, for a /metrics handler. */
export async function metricsExposition(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

/** 2xx … 5xx, or network-error when no answer came at all. */
export function statusClassOf(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return 'network-error';
  return `${Math.floor(status / 100)}xx`;
}
