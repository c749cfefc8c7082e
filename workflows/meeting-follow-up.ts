/**
 * One durable conversation per recorded meeting: prepare a follow-up, show it to the rep in
 * Slack, then run the actions the rep asks for, exactly once each, until everything is done,
 * dismissed or expired. Everything large lives in Postgres; this code carries ids and status.
 *
 * This file is the story. The rep's requests arrive as messages (meeting-handlers.ts), are checked
 * by the rules (meeting-rules.ts) and run as actions (meeting-actions.ts).
 */
import { allHandlersFinished, condition, log, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { systemActorId } from '../domain/meeting';
import type { Actor, MeetingState, MeetingStatus } from '../domain/meeting';
import { draftFollowUp, loadMeeting, loadMeetingInTask, matchAccount, nudgeRep, publishCard } from './activity-profiles';
import { logNote, retryFailedActions, sideActivity } from './meeting-actions';
import { registerMeetingHandlers } from './meeting-handlers';
import { describeFailure, everyCoreActionSettled, shouldAutoLogNote } from './meeting-rules';
import { markChanged, remaining, setStatus, startMeetingRun, type MeetingRun } from './meeting-run';
import { hasPatch } from './patch-baseline';
import { tenantIdSearchAttribute, type MeetingWorkflowInput } from './messages';
import { cardDelivered, handleUndeliveredCard, undeliveredCardPatch } from './undelivered-card';

export async function meetingFollowUp(input: MeetingWorkflowInput): Promise<MeetingState> {
  const run = startMeetingRun(input);
  registerMeetingHandlers(run);
  // The API starts meetings with their TenantId; runs from before the baseline also upserted it.
  if (!run.onPatchBaseline) upsertSearchAttributes([{ key: tenantIdSearchAttribute, value: input.tenantId }]);
  markChanged(run);
  const cardLoop = publishCardWhenChanged(run);

  if (await prepare(run)) {
    setStatus(run, 'awaiting-rep');
    await autoLogConfidentNote(run);
    await waitForRep(run);
  }

  await condition(allHandlersFinished);
  run.cardLoopDone = true;
  markChanged(run);
  await cardLoop;
  return run.state;
}

/** Loads, drafts and matches; waits for a retry when a step fails for good. */
async function prepare(run: MeetingRun): Promise<boolean> {
  const { input, state, workflowId } = run;
  for (;;) {
    try {
      state.preparationFailure = undefined;
      if (!state.facts) {
        const { tenantId, recordingId, repSlackUserId } = input;
        const load = run.onPatchBaseline ? loadMeetingInTask : loadMeeting;
        const { draftTurnInMs, ...facts } = await load({ tenantId, recordingId, repSlackUserId, workflowId });
        state.facts = facts;
        // The draft's turn at the AI writer, booked by loading. Patched: a run of older workflow code may hold a turn it never waited for.
        if (draftTurnInMs && hasPatch(run.onPatchBaseline, 'draft-turn-booked-at-load')) await sleep(draftTurnInMs);
      }
      if (state.facts.internalOnly && !run.forced && !(await waitToProcessAnyway(run))) return false;
      const meeting = { tenantId: input.tenantId, meetingRecordId: state.facts.meetingRecordId, workflowId };
      if (state.draftRevision === 0) {
        const draft = await draftFollowUp(meeting);
        state.draftRevision = draft.revision;
        state.draftGenerator = draft.generator;
      }
      if (!state.account) {
        const match = await matchAccount(meeting);
        state.crm = match.crm;
        state.account = match.account;
      }
      return true;
    } catch (error) {
      state.preparationFailure = describeFailure(error);
      setStatus(run, 'needs-attention');
      const woke = await condition(() => run.retryRequests.length > 0 || !!run.cancelReason, remaining(run));
      if (!woke) return finish(run, 'expired');
      if (run.cancelReason) return finish(run, 'cancelled');
      run.retryRequests.splice(0);
      setStatus(run, 'preparing');
    }
  }
}

/** An internal-only meeting waits for the rep's "process anyway"; false when it ends instead. */
async function waitToProcessAnyway(run: MeetingRun): Promise<boolean> {
  setStatus(run, 'skipped-internal');
  if (!(await condition(() => run.forced || !!run.cancelReason, remaining(run)))) return finish(run, 'expired');
  if (run.cancelReason) return finish(run, 'cancelled');
  setStatus(run, 'preparing');
  return true;
}

async function autoLogConfidentNote(run: MeetingRun): Promise<void> {
  if (!shouldAutoLogNote(run.state, run.input.autoLogWhenConfident, run.autoLogTrustsRepMappings)) return;
  const system: Actor = { tenantId: run.state.tenantId, slackUserId: systemActorId, isAdmin: true };
  await logNote(run, { actor: system });
}

/** The rep's part: actions arrive as updates; this loop handles retries, the nudge and expiry. */
async function waitForRep(run: MeetingRun): Promise<void> {
  const { input, state } = run;
  const nudgeAt = run.startedAt + input.nudgeAfterMs;
  const settled = () => everyCoreActionSettled(state, run.eventWaitsForInvitations);
  for (;;) {
    if (run.cancelReason) return void finish(run, 'cancelled');
    if (state.status === 'dismissed') return;
    if (settled()) return void finish(run, 'completed');
    if (run.retryRequests.length > 0) {
      await retryFailedActions(run, run.retryRequests.splice(0));
      continue;
    }
    const now = Date.now();
    if (now >= run.expiresAt) return void finish(run, 'expired');
    const waitingForNudge = !state.nudged && !run.repActed && nudgeAt < run.expiresAt;
    const wakeAt = waitingForNudge ? nudgeAt : run.expiresAt;
    const woke = await condition(
      () => !!run.cancelReason || state.status === 'dismissed' || run.retryRequests.length > 0 || settled(),
      Math.max(1, wakeAt - now),
    );
    if (!woke && waitingForNudge && !run.repActed) {
      state.nudged = true;
      const { tenantId, repSlackUserId, card } = state;
      await sideActivity('reminder', () => nudgeRep({ tenantId, repSlackUserId, card, title: state.facts?.title ?? '' }));
    }
  }
}

function finish(run: MeetingRun, status: MeetingStatus): false {
  setStatus(run, status);
  return false;
}

/**
 * How long a posted card waits for a running action before it shows it as in progress: most
 * actions finish sooner, and then the card is edited once (with the outcome) instead of twice.
 * Each card edit is an activity with database reads and a Slack call (bench/README.md, benchmark 3).
 */
const QUICK_ACTION_MS = 1000;

function anActionIsRunning(state: MeetingState): boolean {
  return Object.values(state.actions).some((action) => action.status === 'pending');
}

/**
 * A meeting that arrived on its own (Fathom's webhook) posts no "preparing" card: nobody asked for
 * it yet, so the rep is notified once, when there is something to act on, and a workspace's burst
 * of recordings spends no Slack calls and no Temporal work on placeholders. A rep's /followup gets
 * the placeholder at once. On the patch baseline only, so older runs replay as recorded.
 */
function waitsToPostCard(run: MeetingRun): boolean {
  return run.onPatchBaseline && run.input.trigger === 'fathom-webhook' && !run.state.card && run.state.status === 'preparing';
}

/** Card updates run one at a time, newest state wins, so a slow update never overwrites a newer one. */
async function publishCardWhenChanged(run: MeetingRun): Promise<void> {
  const { state, workflowId } = run;
  let failuresInARow = 0;
  for (;;) {
    await condition(() => (run.cardDirty && !waitsToPostCard(run)) || run.cardLoopDone);
    if (!run.cardDirty && run.cardLoopDone) return;
    if (run.cardWaitsForQuickActions && state.card && anActionIsRunning(state)) {
      await condition(() => !anActionIsRunning(state) || run.cardLoopDone, QUICK_ACTION_MS);
    }
    run.cardDirty = false;
    try {
      state.card = await publishCard({ tenantId: state.tenantId, workflowId, state: { ...state } });
      failuresInARow = 0;
      cardDelivered(run);
    } catch (error) {
      log.error('Could not update the Slack card', { error: describeFailure(error).message });
      failuresInARow += 1;
      if (hasPatch(run.onPatchBaseline, undeliveredCardPatch)) await handleUndeliveredCard(run, error, failuresInARow);
    }
  }
}
