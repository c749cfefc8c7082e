/**
 * Where a set of workflows spent their time, read from their histories: for workflow tasks and
 * each activity type, how long tasks waited to be handed to a worker (scheduled → started: the
 * task queue's backlog, plus retry delays for an activity that needed more than one attempt) and
 * how long they then ran (started → completed), with the attempts activities needed. A noisy
 * neighbour shows as waiting, a slow or busy worker as running.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { summarize, type LatencySummary } from './stats';

const EventType = temporal.api.enums.v1.EventType;

export interface StepWaits {
  step: string;
  count: number;
  waitedMs: LatencySummary;
  ranMs: LatencySummary;
  /** Most attempts any one activity of this type needed (1 for workflow tasks). */
  maxAttempts: number;
  /** The priority key and fairness key the step was scheduled with (the workflow's when the activity has none). */
  priorityKeys: number[];
}

type Event = temporal.api.history.v1.IHistoryEvent;

const millis = (event: Event | undefined): number => {
  const time = event?.eventTime;
  return time ? Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : Number.NaN;
};

export async function historyWaits(client: Client, workflowIds: readonly string[]): Promise<StepWaits[]> {
  const steps = new Map<string, { waited: number[]; ran: number[]; maxAttempts: number; priorityKeys: Set<number> }>();
  const record = (step: string, waited: number, ran: number, attempts: number, priorityKey: number | undefined) => {
    const entry = steps.get(step) ?? { waited: [], ran: [], maxAttempts: 0, priorityKeys: new Set<number>() };
    if (!Number.isNaN(waited)) entry.waited.push(waited);
    if (!Number.isNaN(ran)) entry.ran.push(ran);
    entry.maxAttempts = Math.max(entry.maxAttempts, attempts);
    if (priorityKey !== undefined) entry.priorityKeys.add(priorityKey);
    steps.set(step, entry);
  };
  for (const workflowId of workflowIds) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const byId = new Map<number, Event>();
    for (const event of events) byId.set(Number(event.eventId), event);
    const workflowPriority = events[0]?.workflowExecutionStartedEventAttributes?.priority?.priorityKey ?? undefined;
    for (const event of events) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        const scheduled = byId.get(Number(event.workflowTaskStartedEventAttributes?.scheduledEventId));
        const completed = events.find(
          (candidate) =>
            (candidate.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || candidate.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) &&
            Number(candidate.workflowTaskCompletedEventAttributes?.startedEventId ?? candidate.workflowTaskFailedEventAttributes?.startedEventId) === Number(event.eventId),
        );
        record('workflow task', millis(event) - millis(scheduled), millis(completed) - millis(event), 1, workflowPriority ?? undefined);
      }
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        const started = event.activityTaskStartedEventAttributes!;
        const scheduled = byId.get(Number(started.scheduledEventId));
        const attributes = scheduled?.activityTaskScheduledEventAttributes;
        const ended = events.find(
          (candidate) =>
            Number(
              candidate.activityTaskCompletedEventAttributes?.startedEventId ??
                candidate.activityTaskFailedEventAttributes?.startedEventId ??
                candidate.activityTaskTimedOutEventAttributes?.startedEventId ??
                Number.NaN,
            ) === Number(event.eventId),
        );
        record(
          `activity ${attributes?.activityType?.name ?? '?'}`,
          millis(event) - millis(scheduled),
          millis(ended) - millis(event),
          Number(started.attempt ?? 1),
          attributes?.priority?.priorityKey || workflowPriority || undefined,
        );
      }
    }
  }
  return [...steps.entries()].map(([step, entry]) => ({
    step,
    count: entry.ran.length,
    waitedMs: summarize(entry.waited),
    ranMs: summarize(entry.ran),
    maxAttempts: entry.maxAttempts,
    priorityKeys: [...entry.priorityKeys].sort(),
  }));
}

/**
 * When each workflow reached its milestones, in ms after `origin(workflowId)` (e.g. when its
 * /followup was sent): started, its first workflow task, each activity type's first completion, and `extra` milestones
 * the caller knows (e.g. when the card offered "Log to CRM"); p50 and max over the workflows.
 */
export async function historyTimeline(
  client: Client,
  workflowIds: readonly string[],
  origin: (workflowId: string) => number,
  extra: (workflowId: string) => Record<string, number | undefined> = () => ({}),
): Promise<string[]> {
  const offsets = new Map<string, number[]>();
  const add = (milestone: string, ms: number) => {
    if (!Number.isNaN(ms)) offsets.set(milestone, [...(offsets.get(milestone) ?? []), ms]);
  };
  for (const workflowId of workflowIds) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const from = origin(workflowId);
    add('workflow started', millis(events[0]) - from);
    const firstTask = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    add('first workflow task started', millis(firstTask) - from);
    const scheduledType = new Map<number, string>();
    const completedTypes = new Set<string>();
    for (const event of events) {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) scheduledType.set(Number(event.eventId), name);
      const completed = scheduledType.get(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId));
      // Only each workflow's first completion of an activity type: later ones (card edits) come after the click.
      if (completed && !completedTypes.has(completed)) {
        completedTypes.add(completed);
        add(`${completed} completed`, millis(event) - from);
      }
    }
    for (const [milestone, at] of Object.entries(extra(workflowId))) add(milestone, at === undefined ? Number.NaN : at - from);
  }
  return [...offsets.entries()]
    .map(([milestone, values]) => ({ milestone, summary: summarize(values) }))
    .sort((a, b) => a.summary.p50 - b.summary.p50)
    .map(({ milestone, summary }) => `${milestone}: p50 ${summary.p50} / max ${summary.max} ms`);
}

/** One line per step: "activity draftFollowUp ×10 (priority 2): waited p50 … / max …, ran p50 … / max …, attempts ≤ 1". */
export function describeWaits(waits: readonly StepWaits[]): string[] {
  return waits.map(
    (step) =>
      `${step.step} ×${step.count} (priority ${step.priorityKeys.join(',') || 'default'}): waited p50 ${step.waitedMs.p50} / max ${step.waitedMs.max} ms, ran p50 ${step.ranMs.p50} / max ${step.ranMs.max} ms, attempts ≤ ${step.maxAttempts}`,
  );
}
