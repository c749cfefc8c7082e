/**
 * One durable conversation per recorded meeting: prepare a follow-up, show it to the rep in
 * Slack, then run the actions the rep asks for, exactly once each, until everything is done,
 * dismissed or expired. Everything large lives in Postgres; this code carries ids and status.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MeetingActivities, ActionResult } from '../activities';
import {
  cancelMeetingSignal,
  chooseAccountUpdate,
  createEmailDraftUpdate,
  createTaskUpdate,
  crmProviderSearchAttribute,
  crmSyncStatusSearchAttribute,
  dismissUpdate,
  editTextsUpdate,
  logNoteUpdate,
  meetingStatusSearchAttribute,
  prepareDealEditorUpdate,
  processAnywayUpdate,
  retrySignal,
  scheduleFollowUpUpdate,
  sendInvitationsUpdate,
  statusQuery,
  tenantIdSearchAttribute,
  updateDealUpdate,
} from './messages';
import type {
  ActionFailure,
  ActionKind,
  ActionState,
  Actor,
  CrmSyncStatus,
  MeetingState,
  MeetingStatus
} from '../domain/meeting';
import type { DismissInput, MeetingWorkflowInput, RetryInput } from './messages';
import { actionKinds, coreActionKinds } from '../domain/meeting';
import { activityProfiles } from './activity-profiles';

const database = proxyActivities<MeetingActivities>(activityProfiles.database);
const ai = proxyActivities<MeetingActivities>(activityProfiles.ai);
const crm = proxyActivities<MeetingActivities>(activityProfiles.crm);
const crmLookup = proxyActivities<MeetingActivities>(activityProfiles.crmLookup);
const google = proxyActivities<MeetingActivities>(activityProfiles.google);
const slack = proxyActivities<MeetingActivities>(activityProfiles.slack);

const closedStatuses: readonly MeetingStatus[] = ['completed', 'dismissed', 'expired', 'cancelled'];
/** A confident match may be logged automatically when the tenant's policy allows it. */
const autoLogConfidence = 0.9;

export async function meetingFollowUp(input: MeetingWorkflowInput): Promise<MeetingState> {
  const { workflowId } = workflowInfo();
  // Meetings started before this change completed as soon as the event was created.
  const eventWaitsForInvitations = patched('event-settles-after-invitations');
  const state: MeetingState = {
    tenantId: input.tenantId,
    recordingId: input.recordingId,
    repSlackUserId: input.repSlackUserId,
    status: 'preparing',
    draftRevision: 0,
    crm: { provider: null, capabilities: [] },
    actions: Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }])) as Record<
      ActionKind,
      ActionState
    >,
    offeredActions: input.offeredActions,
    cardChannel: input.channelId,
    nudged: false,
    invitationsSent: false,
  };
  /** How to run each action again when the rep or an operator asks for a retry. */
  const lastAttempt = new Map<ActionKind, { actor: Actor; perform: () => Promise<ActionResult> }>();
  const retryRequests: RetryInput[] = [];
  let cancelReason: string | undefined;
  let forced = input.force ?? false;
  let repActed = false;
  let cardDirty = false;
  let cardLoopDone = false;
  let dealUpdates = 0;

  const markChanged = (): void => {
    cardDirty = true;
    upsertSearchAttributes([
      { key: meetingStatusSearchAttribute, value: state.status },
      { key: crmSyncStatusSearchAttribute, value: crmSyncStatus(state) },
      ...(state.crm.provider ? [{ key: crmProviderSearchAttribute, value: state.crm.provider }] : []),
    ]);
  };

  const refreshStatus = (): void => {
    if (closedStatuses.includes(state.status) || state.status === 'preparing' || state.status === 'skipped-internal') {
      return;
    }
    const statuses = actionKinds.map((kind) => state.actions[kind].status);
    if (statuses.includes('pending')) state.status = 'working';
    else if (statuses.includes('failed')) state.status = 'needs-attention';
    else state.status = 'awaiting-rep';
  };

  const runAction = async (kind: ActionKind, actor: Actor, perform: () => Promise<ActionResult>): Promise<ActionState> => {
    const action = state.actions[kind];
    lastAttempt.set(kind, { actor, perform });
    action.status = 'pending';
    action.attempts += 1;
    action.failure = undefined;
    action.bySlackUserId = actor.slackUserId;
    if (actor.slackUserId !== 'system') repActed = true;
    refreshStatus();
    markChanged();
    try {
      const result = await perform();
      action.status = 'done';
      action.externalId = result.externalId;
      action.url = result.url;
      action.label = result.label;
    } catch (error) {
      action.status = 'failed';
      action.failure = describeFailure(error);
      log.warn('Meeting action failed', { action: kind, kind: action.failure.kind });
    }
    refreshStatus();
    markChanged();
    return { ...action };
  };

  const assertCanAct = (actor: Actor): void => {
    if (actor.tenantId !== state.tenantId) throw new Error('This meeting belongs to another workspace.');
    if (actor.slackUserId !== state.repSlackUserId && !actor.isAdmin) {
      throw new Error('Only the rep who recorded this meeting (or a workspace admin) can do that.');
    }
    if (closedStatuses.includes(state.status)) throw new Error(`This follow-up is ${state.status}; nothing more can be done.`);
    if (state.status === 'preparing' || state.draftRevision === 0) {
      throw new Error('The follow-up is still being prepared. Try again in a moment.');
    }
  };

  const assertActionAllowed = (actor: Actor, kind: ActionKind): void => {
    assertCanAct(actor);
    if (!input.offeredActions.includes(kind)) throw new Error('Your workspace has turned this action off.');
    const action = state.actions[kind];
    if (action.status === 'pending') throw new Error('That is already in progress.');
    if (action.status === 'done' && kind !== 'deal') throw new Error('That is already done.');
    if (action.status === 'dismissed') throw new Error('That action was dismissed.');
    if (kind === 'note' || kind === 'task' || kind === 'deal') {
      if (!state.crm.provider) throw new Error('Connect your CRM first (App Home → Connections).');
      const needed = kind === 'note' ? 'notes' : kind === 'task' ? 'tasks' : 'dealUpdate';
      if (!state.crm.capabilities.includes(needed)) throw new Error(`Your CRM (${state.crm.provider}) does not support this.`);
      if (!state.account?.chosen) throw new Error('Pick the CRM account for this meeting first.');
    }
  };

  const accountId = (): string => {
    const chosen = state.account?.chosen;
    if (!chosen) throw ApplicationFailure.nonRetryable('No CRM account chosen', 'invalid');
    return chosen.id;
  };

  /** The chosen account as the card shows it: the note needs no CRM read for its label. */
  const noteAccount = () => ({ accountId: accountId(), accountName: state.account?.chosen?.name, accountUrl: state.account?.chosen?.url });

  const meetingRecordId = (): string => state.facts!.meetingRecordId;
  const base = () => ({ tenantId: state.tenantId, meetingRecordId: meetingRecordId(), recordingId: state.recordingId, workflowId });

  setHandler(statusQuery, () => state);
  setHandler(retrySignal, (request) => {
    retryRequests.push(request ?? {});
  });
  setHandler(cancelMeetingSignal, ({ reason }) => {
    cancelReason = reason;
  });

  setHandler(
    logNoteUpdate,
    ({ actor }) => runAction('note', actor, () => crm.logCrmNote({ ...base(), ...noteAccount(), actorSlackUserId: actor.slackUserId })),
    { validator: ({ actor }) => assertActionAllowed(actor, 'note') },
  );
  setHandler(
    createEmailDraftUpdate,
    ({ actor }) => runAction('draft', actor, () => google.createEmailDraft({ ...base(), actorSlackUserId: actor.slackUserId })),
    { validator: ({ actor }) => assertActionAllowed(actor, 'draft') },
  );
  setHandler(
    scheduleFollowUpUpdate,
    ({ actor, localDateTime }) =>
      runAction('event', actor, () =>
        google.scheduleFollowUp({ ...base(), actorSlackUserId: actor.slackUserId, localDateTime }),
      ),
    { validator: ({ actor }) => assertActionAllowed(actor, 'event') },
  );
  setHandler(
    sendInvitationsUpdate,
    async ({ actor }) => {
      await google.sendEventInvitations({ ...base(), actorSlackUserId: actor.slackUserId, eventId: state.actions.event.externalId! });
      state.invitationsSent = true;
      markChanged();
    },
    {
      validator: ({ actor }) => {
        assertCanAct(actor);
        if (state.actions.event.status !== 'done' || !state.actions.event.externalId) throw new Error('Schedule the follow-up meeting first.');
        if (state.invitationsSent) throw new Error('The invitations were already sent.');
      },
    },
  );
  setHandler(
    createTaskUpdate,
    ({ actor, subject, dueLocalDateTime, contactId }) =>
      runAction('task', actor, () =>
        crm.createCrmTask({ ...base(), accountId: accountId(), actorSlackUserId: actor.slackUserId, subject, dueLocalDateTime, contactId }),
      ),
    {
      validator: ({ actor, subject, dueLocalDateTime }) => {
        assertActionAllowed(actor, 'task');
        if (!subject.trim()) throw new Error('The task needs a subject.');
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(dueLocalDateTime)) throw new Error('The due date must look like 2026-12-03T09:00.');
      },
    },
  );
  setHandler(
    updateDealUpdate,
    ({ actor, dealId, stageId, amount }) => {
      dealUpdates += 1;
      const idempotencySuffix = String(dealUpdates);
      return runAction('deal', actor, () =>
        crm.updateCrmDeal({ ...base(), actorSlackUserId: actor.slackUserId, dealId, stageId, amount, idempotencySuffix }),
      );
    },
    {
      validator: ({ actor, stageId, amount }) => {
        assertActionAllowed(actor, 'deal');
        if (stageId === undefined && amount === undefined) throw new Error('Nothing to change on the deal.');
        if (amount !== undefined && (!Number.isFinite(amount) || amount < 0)) throw new Error('The amount must be a positive number.');
      },
    },
  );
  setHandler(
    prepareDealEditorUpdate,
    async ({ viewId, dealId }) => {
      await crm.showDealEditor({ tenantId: state.tenantId, workflowId, recordingId: state.recordingId, accountId: accountId(), accountName: state.account?.chosen?.name, viewId, dealId });
    },
    {
      validator: ({ actor }) => {
        assertCanAct(actor);
        if (!state.crm.provider) throw new Error('Connect your CRM first (App Home → Connections).');
        if (!state.crm.capabilities.includes('deals')) throw new Error(`Your CRM (${state.crm.provider}) does not list deals.`);
        if (!state.account?.chosen) throw new Error('Pick the CRM account for this meeting first.');
      },
    },
  );
  setHandler(
    chooseAccountUpdate,
    async ({ actor, accountId: chosenId, accountName, accountUrl }) => {
      const chosen = { id: chosenId, name: accountName, url: accountUrl, confidence: 1, source: 'rep' };
      state.account = { verdict: 'matched', candidates: state.account?.candidates ?? [], chosen };
      markChanged();
      await database.rememberAccountChoice({ ...base(), account: chosen, actorSlackUserId: actor.slackUserId });
    },
    {
      validator: ({ actor, accountId: chosenId }) => {
        assertCanAct(actor);
        if (!state.crm.provider) throw new Error('Connect your CRM first (App Home → Connections).');
        if (!chosenId) throw new Error('Choose an account.');
        if (state.actions.note.status === 'pending') throw new Error('Wait until the note being logged is finished.');
      },
    },
  );
  setHandler(
    editTextsUpdate,
    async ({ actor, summary, emailSubject, emailBody, crmNote }) => {
      state.draftRevision = await database.saveDraftEdits({
        ...base(),
        actorSlackUserId: actor.slackUserId,
        edits: { summary, emailSubject, emailBody, crmNote },
      });
      repActed = true;
      markChanged();
      return state.draftRevision;
    },
    {
      validator: (edits) => {
        assertCanAct(edits.actor);
        const { summary, emailSubject, emailBody, crmNote } = edits;
        if ([summary, emailSubject, emailBody, crmNote].every((value) => value === undefined)) throw new Error('Nothing was changed.');
        if (summary !== undefined && !summary.trim()) throw new Error('The summary cannot be empty.');
        if (emailSubject !== undefined && !emailSubject.trim()) throw new Error('The email needs a subject.');
      },
    },
  );
  setHandler(
    dismissUpdate,
    ({ actor, action }) => {
      repActed = true;
      if (action) {
        state.actions[action].status = 'dismissed';
        state.actions[action].bySlackUserId = actor.slackUserId;
        refreshStatus();
      } else {
        state.status = 'dismissed';
      }
      markChanged();
    },
    {
      validator: ({ actor, action }: DismissInput) => {
        assertCanAct(actor);
        if (action && ['pending', 'done'].includes(state.actions[action].status)) {
          throw new Error('That action has already started; it cannot be dismissed.');
        }
      },
    },
  );
  setHandler(
    processAnywayUpdate,
    () => {
      forced = true;
    },
    {
      validator: ({ actor }) => {
        if (actor.tenantId !== state.tenantId) throw new Error('This meeting belongs to another workspace.');
        if (actor.slackUserId !== state.repSlackUserId && !actor.isAdmin) throw new Error('Only the rep can do that.');
        if (state.status !== 'skipped-internal') throw new Error('This meeting is already being processed.');
      },
    },
  );

  upsertSearchAttributes([{ key: tenantIdSearchAttribute, value: input.tenantId }]);
  markChanged();

  const cardLoop = publishCardWhenChanged();
  const startedAt = Date.now();
  const expiresAt = startedAt + input.expireAfterMs;

  const prepared = await prepare();
  if (prepared) {
    state.status = 'awaiting-rep';
    markChanged();
    await maybeAutoLogNote();
    await waitForRep();
  }

  await condition(allHandlersFinished);
  cardLoopDone = true;
  markChanged();
  await cardLoop;
  return state;

  /** Loads, drafts and matches; waits for a retry when a step fails for good. */
  async function prepare(): Promise<boolean> {
    for (;;) {
      try {
        state.preparationFailure = undefined;
        if (!state.facts) {
          state.facts = await database.loadMeeting({
            tenantId: input.tenantId,
            recordingId: input.recordingId,
            repSlackUserId: input.repSlackUserId,
            workflowId,
          });
        }
        if (state.facts.internalOnly && !forced) {
          state.status = 'skipped-internal';
          markChanged();
          if (!(await condition(() => forced || !!cancelReason, remaining()))) return finish('expired');
          if (cancelReason) return finish('cancelled');
          state.status = 'preparing';
          markChanged();
        }
        if (state.draftRevision === 0) {
          const draft = await ai.draftFollowUp({ tenantId: input.tenantId, meetingRecordId: meetingRecordId(), workflowId });
          state.draftRevision = draft.revision;
          state.draftGenerator = draft.generator;
        }
        if (!state.account) {
          const match = await crmLookup.matchAccount({ tenantId: input.tenantId, meetingRecordId: meetingRecordId(), workflowId });
          state.crm = match.crm;
          state.account = match.account;
        }
        return true;
      } catch (error) {
        state.preparationFailure = describeFailure(error);
        state.status = 'needs-attention';
        markChanged();
        const woke = await condition(() => retryRequests.length > 0 || !!cancelReason, remaining());
        if (!woke) return finish('expired');
        if (cancelReason) return finish('cancelled');
        retryRequests.splice(0);
        state.status = 'preparing';
        markChanged();
      }
    }
  }

  async function maybeAutoLogNote(): Promise<void> {
    const chosen = state.account?.chosen;
    if (!input.autoLogWhenConfident || !chosen || chosen.confidence < autoLogConfidence) return;
    if (!state.crm.capabilities.includes('notes') || !input.offeredActions.includes('note')) return;
    const system: Actor = { tenantId: state.tenantId, slackUserId: 'system', isAdmin: true };
    await runAction('note', system, () => crm.logCrmNote({ ...base(), ...noteAccount(), actorSlackUserId: 'system' }));
  }

  /** The rep's part: actions arrive as updates; this loop handles retries, the nudge and expiry. */
  async function waitForRep(): Promise<void> {
    const nudgeAt = startedAt + input.nudgeAfterMs;
    for (;;) {
      if (cancelReason) return void finish('cancelled');
      if (state.status === 'dismissed') return;
      if (everyCoreActionSettled()) return void finish('completed');
      if (retryRequests.length > 0) {
        await retryFailedActions(retryRequests.splice(0));
        continue;
      }
      const now = Date.now();
      if (now >= expiresAt) return void finish('expired');
      const waitingForNudge = !state.nudged && !repActed && nudgeAt < expiresAt;
      const wakeAt = waitingForNudge ? nudgeAt : expiresAt;
      const woke = await condition(
        () => !!cancelReason || state.status === 'dismissed' || retryRequests.length > 0 || everyCoreActionSettled(),
        Math.max(1, wakeAt - now),
      );
      if (!woke && waitingForNudge && !repActed) {
        state.nudged = true;
        await slack.nudgeRep({ tenantId: state.tenantId, repSlackUserId: state.repSlackUserId, card: state.card, title: state.facts?.title ?? '' });
      }
    }
  }

  async function retryFailedActions(requests: RetryInput[]): Promise<void> {
    const wanted = new Set(requests.map((request) => request.action));
    const kinds = wanted.has(undefined) ? actionKinds : actionKinds.filter((kind) => wanted.has(kind));
    for (const kind of kinds) {
      const attempt = lastAttempt.get(kind);
      if (state.actions[kind].status !== 'failed' || !attempt) continue;
      const by = requests.find((request) => request.action === kind || request.action === undefined)?.by ?? 'operator';
      await database.recordAudit({
        tenantId: state.tenantId,
        actor: by,
        action: 'action.retry',
        target: kind,
        result: 'attempt',
        workflowId,
      });
      await runAction(kind, attempt.actor, attempt.perform);
    }
  }

  function everyCoreActionSettled(): boolean {
    return coreActionKinds
      .filter((kind) => input.offeredActions.includes(kind))
      .every((kind) => {
        const { status } = state.actions[kind];
        if (kind === 'event' && status === 'done' && eventWaitsForInvitations) return state.invitationsSent;
        return status === 'done' || status === 'dismissed';
      });
  }

  function remaining(): number {
    return Math.max(1, expiresAt - Date.now());
  }

  function finish(status: MeetingStatus): false {
    state.status = status;
    markChanged();
    return false;
  }

  /** Card updates run one at a time, newest state wins, so a slow update never overwrites a newer one. */
  async function publishCardWhenChanged(): Promise<void> {
    for (;;) {
      await condition(() => cardDirty || cardLoopDone);
      if (!cardDirty && cardLoopDone) return;
      cardDirty = false;
      try {
        state.card = await slack.publishCard({ tenantId: state.tenantId, workflowId, state: { ...state } });
      } catch (error) {
        log.error('Could not update the Slack card', { error: describeFailure(error).message });
      }
    }
  }
}

function crmSyncStatus(state: MeetingState): CrmSyncStatus {
  const crmActions = [state.actions.note, state.actions.task, state.actions.deal];
  if (crmActions.some((action) => action.status === 'failed')) return 'failed';
  if (crmActions.some((action) => action.status === 'pending')) return 'pending';
  if (state.actions.note.status === 'done') return 'synced';
  if (state.actions.note.status === 'dismissed') return 'dismissed';
  return 'not-started';
}

/** Turns an activity failure into what the card shows: a sentence the rep can act on. */
function describeFailure(error: unknown): ActionFailure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { message: cause.message, kind: cause.type ?? 'unknown' };
  if (cause instanceof TimeoutFailure) return { message: 'The service did not answer in time.', kind: 'retryable' };
  return { message: 'Something went wrong; an operator has been notified.', kind: 'unknown' };
}
