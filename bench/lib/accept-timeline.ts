/**
 * Where an accepted click's time goes, read from the meeting's own history: the workflow task
 * that accepted its update (the last WorkflowTaskCompleted before the logNote
 * WorkflowExecutionUpdateAccepted) and that task's Scheduled and Started events. Per click, from
 * the click's intended send time:
 *   toScheduled  until the server scheduled that task (the API's own work, the Temporal client
 *                call, and a task of the same meeting still running, which the update waits for);
 *   queued       scheduled → started: the task waiting for a poller of a free workflow task slot;
 *   onWorker     started → completed: the worker running the activation (validator, handler) and
 *                answering, with its event loop shared with the activities;
 *   accepted     the click's intended send → the task completed: when the update was accepted;
 *   ack          the API's 200, which comes at the API's ack budget (API_TEMPORAL_ACK_TIMEOUT_MS,
 *                the card shows the outcome) when the update was not accepted by then.
 *   lastEvent    the meeting's last event before the click's task was scheduled, from the
 *                click: above 0, the meeting was still busy (a task or activity of its own) after
 *                the click arrived.
 *   tasks        workflow tasks the meeting completed from the accepting one to the end of its
 *                history (the note logged, the card edited): each a turn on the worker's workflow thread.
 * The dev server and the bench run on the same machine, so their clocks agree.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { logNoteUpdate, meetingWorkflowId } from '../../workflows/messages';
import type { LoadSample } from './open-load';
import type { ClickTarget } from './slack-traffic';
import { summarize, type LatencySummary } from './stats';

const EventType = temporal.api.enums.v1.EventType;

export interface AcceptTimeline {
  index: number;
  accepted: number;
  ack: number;
  toScheduled: number;
  queued: number;
  onWorker: number;
  lastEvent: number;
  tasks: number;
}

export interface AcceptBreakdown {
  /** Clicks whose history showed an accepted update (the rest are left out, e.g. a refused click). */
  clicks: number;
  /** Each segment's summary over every click. */
  segments: Record<keyof Omit<AcceptTimeline, 'index'>, LatencySummary>;
  /** Clicks the API answered before their update was accepted (at its ack budget). */
  answeredBeforeAccepted: number;
  /** The slowest clicks, segment by segment. */
  slowest: AcceptTimeline[];
}

async function timelineOf(client: Client, target: ClickTarget, sample: LoadSample<unknown>): Promise<AcceptTimeline | undefined> {
  const history = await client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId)).fetchHistory();
  const events = history.events ?? [];
  const acceptedAt = events.findIndex(
    (event) =>
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED &&
      event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === logNoteUpdate.name,
  );
  if (acceptedAt < 0) return undefined;
  const completed = events
    .slice(0, acceptedAt)
    .reverse()
    .find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const attributes = completed?.workflowTaskCompletedEventAttributes;
  if (!completed || !attributes) return undefined;
  const scheduledIndex = events.findIndex((event) => Number(event.eventId) === Number(attributes.scheduledEventId));
  const scheduledAt = tsToMs(events[scheduledIndex]?.eventTime);
  const startedAt = tsToMs(events.find((event) => Number(event.eventId) === Number(attributes.startedEventId))?.eventTime);
  const completedAt = tsToMs(completed.eventTime);
  const lastEventAt = tsToMs(events[scheduledIndex - 1]?.eventTime);
  const since = (at: number) => Math.round(at - sample.intendedAt);
  return {
    index: sample.index,
    accepted: since(completedAt),
    ack: Math.round(sample.latencyMs),
    toScheduled: since(scheduledAt),
    queued: startedAt - scheduledAt,
    onWorker: completedAt - startedAt,
    lastEvent: since(lastEventAt),
    tasks: events.slice(scheduledIndex).filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
  };
}

/** The breakdown of every click in `samples` on `targets[index % targets.length]`, its first accepted update. */
export async function acceptBreakdown(client: Client, targets: ClickTarget[], samples: LoadSample<unknown>[], slowestCount = 5): Promise<AcceptBreakdown> {
  const timelines: AcceptTimeline[] = [];
  for (const sample of samples) {
    const timeline = await timelineOf(client, targets[sample.index % targets.length]!, sample);
    if (timeline) timelines.push(timeline);
  }
  const of = (key: keyof Omit<AcceptTimeline, 'index'>) => summarize(timelines.map((timeline) => timeline[key]));
  return {
    clicks: timelines.length,
    segments: { accepted: of('accepted'), ack: of('ack'), toScheduled: of('toScheduled'), queued: of('queued'), onWorker: of('onWorker'), lastEvent: of('lastEvent'), tasks: of('tasks') },
    answeredBeforeAccepted: timelines.filter((timeline) => timeline.ack < timeline.accepted).length,
    slowest: [...timelines].sort((a, b) => b.accepted - a.accepted).slice(0, slowestCount),
  };
}
