/**
 * One run of the meeting workflow: its queryable state plus what only the run needs (why it may
 * stop, how to retry, whether the card is stale). Created per run and passed around, never kept
 * in a module: workflow modules are shared by the runs of a worker.
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ActionResult } from '../activities';
import { actionKinds } from '../domain/meeting';
import type { ActionKind, ActionState, Actor, MeetingState, MeetingStatus } from '../domain/meeting';
import { crmSyncStatus, derivedStatus } from './meeting-rules';
import { hasPatch, startedOnPatchBaseline } from './patch-baseline';
import { crmProviderSearchAttribute, crmSyncStatusSearchAttribute, meetingStatusSearchAttribute } from './messages';
import type { MeetingWorkflowInput, RetryInput } from './messages';

export interface MeetingRun {
  readonly input: MeetingWorkflowInput;
  readonly workflowId: string;
  readonly state: MeetingState;
  /** Meetings started before invitations were confirmed separately completed as soon as the event was created. */
  readonly eventWaitsForInvitations: boolean;
  /** Meetings started before rep-made mappings stopped counting for the automatic note keep the old rule, so they replay. */
  readonly autoLogTrustsRepMappings: boolean;
  /** Meetings started before the card waited for quick actions publish every "pending" state, so they replay. */
  readonly cardWaitsForQuickActions: boolean;
  /** Started with its search attributes set: the baseline's patches hold without markers, and unchanged search attributes are not upserted again (patch-baseline.ts). */
  readonly onPatchBaseline: boolean;
  readonly startedAt: number;
  readonly expiresAt: number;
  /** How to run each action again when the rep or an operator asks for a retry. */
  readonly lastAttempt: Map<ActionKind, { actor: Actor; perform: () => Promise<ActionResult> }>;
  readonly retryRequests: RetryInput[];
  cancelReason?: string;
  /** Process the meeting even if every attendee is internal. */
  forced: boolean;
  /** Someone (not the system) acted, so the rep needs no nudge. */
  repActed: boolean;
  /** The card shows an older state than the current one. */
  cardDirty: boolean;
  cardLoopDone: boolean;
  /** Numbers each deal update, so every change the rep asks for has its own idempotency key. */
  dealUpdates: number;
}

export function startMeetingRun(input: MeetingWorkflowInput): MeetingRun {
  const { workflowId } = workflowInfo();
  const onPatchBaseline = startedOnPatchBaseline();
  const eventWaitsForInvitations = hasPatch(onPatchBaseline, 'event-settles-after-invitations');
  const autoLogTrustsRepMappings = !hasPatch(onPatchBaseline, 'no-auto-log-from-rep-mapping');
  const cardWaitsForQuickActions = hasPatch(onPatchBaseline, 'card-waits-for-quick-actions');
  const actions = Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }]));
  const startedAt = Date.now();
  return {
    input,
    workflowId,
    state: {
      tenantId: input.tenantId,
      recordingId: input.recordingId,
      repSlackUserId: input.repSlackUserId,
      status: 'preparing',
      draftRevision: 0,
      crm: { provider: null, capabilities: [] },
      actions: actions as Record<ActionKind, ActionState>,
      offeredActions: input.offeredActions,
      cardChannel: input.channelId,
      nudged: false,
    },
    eventWaitsForInvitations,
    autoLogTrustsRepMappings,
    cardWaitsForQuickActions,
    onPatchBaseline,
    startedAt,
    expiresAt: startedAt + input.expireAfterMs,
    lastAttempt: new Map(),
    retryRequests: [],
    forced: input.force ?? false,
    repActed: false,
    cardDirty: false,
    cardLoopDone: false,
    dealUpdates: 0,
  };
}

/** The card gets republished, and the search attributes follow the state at once. */
export function markChanged(run: MeetingRun): void {
  run.cardDirty = true;
  syncSearchAttributes(run);
}

/**
 * The search attributes follow the state; a card Slack does not take keeps the meeting under
 * "Needs attention". A run on the patch baseline upserts only what changed: each upsert is a
 * visibility write on the Temporal server, and most changes of a meeting leave these as they were.
 */
export function syncSearchAttributes(run: MeetingRun): void {
  const { state } = run;
  const wanted: { key: typeof meetingStatusSearchAttribute; value: string }[] = [
    { key: meetingStatusSearchAttribute, value: state.cardFailure ? 'needs-attention' : state.status },
    { key: crmSyncStatusSearchAttribute, value: crmSyncStatus(state) },
    ...(state.crm.provider ? [{ key: crmProviderSearchAttribute, value: state.crm.provider }] : []),
  ];
  const current = workflowInfo().typedSearchAttributes;
  const changed = run.onPatchBaseline ? wanted.filter(({ key, value }) => current.get(key) !== value) : wanted;
  if (changed.length > 0) upsertSearchAttributes(changed);
}

export function setStatus(run: MeetingRun, status: MeetingStatus): void {
  run.state.status = status;
  markChanged(run);
}

export function refreshStatus(run: MeetingRun): void {
  run.state.status = derivedStatus(run.state);
}

/** Time left before the meeting expires (at least 1 ms). */
export function remaining(run: MeetingRun): number {
  return Math.max(1, run.expiresAt - Date.now());
}
