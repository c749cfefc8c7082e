/**
 * The patches every meeting started by the API since it set the meeting's search attributes at
 * start takes as given (and, keyed to the same start, what else such a run does differently:
 * search attributes upserted only when changed, the meeting loaded in its first task, no
 * placeholder card for a recording Fathom sent on its own). A patch marker is not free: with each one the SDK also upserts the
 * TemporalChangeVersion search attribute, and every upsert is a visibility write on the Temporal
 * server. Four patches at a meeting's start plus its TenantId and status upserts made six in its
 * first task; for a workspace's burst of 500 meetings those writes kept the dev server's one SQLite
 * writer busy for most of another workspace's clicks (bench/README, noisy-neighbour drill).
 *
 * A run started with MeetingStatus set (meetingStartSearchAttributes) takes the new branch of each
 * patch below without a marker; a run started before calls patched() as it always did, so its
 * history replays. Which kind a run is comes from its start event alone: read it in the run's first
 * task, before its own upserts set MeetingStatus. A patch added after this list is patched() in
 * every run, until a later baseline.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { meetingStatusSearchAttribute } from './messages';

export type BaselinePatch =
  | 'trace-context-propagation'
  | 'event-settles-after-invitations'
  | 'no-auto-log-from-rep-mapping'
  | 'card-waits-for-quick-actions'
  | 'draft-turn-booked-at-load'
  | 'tell-rep-when-card-undelivered'
  | 'invitations-as-action'
  | 'report-failed-sync';

/** Whether this run started on the baseline. Only meaningful in the run's first task (see above). */
export function startedOnPatchBaseline(): boolean {
  return workflowInfo().typedSearchAttributes.get(meetingStatusSearchAttribute) !== undefined;
}

/** patched(), for a run that knows whether it started on the baseline. */
export function hasPatch(onBaseline: boolean, patchId: BaselinePatch): boolean {
  return onBaseline || patched(patchId);
}
