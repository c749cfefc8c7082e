/**
 * What the rep, the system or an operator's retry asks the meeting to do, once its rule in
 * meeting-rules.ts has accepted the request: the state changes, the card is marked stale and the
 * activity runs. Actions (note, draft, event, invitations, task, deal) share runAction, which records each
 * attempt so a retry can run it again.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import { hasPatch } from './patch-baseline';
import type { ActionResult } from '../activities';
import { systemActorId } from '../domain/meeting';
import type { AccountCandidate, ActingFor, ActionFailure, ActionKind, ActionState, Actor } from '../domain/meeting';
import {
  createCrmTask,
  createEmailDraft,
  logCrmNote,
  logCrmNoteUnattended,
  recordAudit,
  rememberAccountChoice,
  reportFailedSync,
  saveDraftEdits,
  scheduleFollowUp,
  searchCrmAccounts,
  searchCrmContacts,
  sendEventInvitations,
  showDealEditor,
  updateCrmDeal,
} from './activity-profiles';
import { describeFailure, requestedRetries } from './meeting-rules';
import { markChanged, refreshStatus, type MeetingRun } from './meeting-run';
import { writeUnwrittenAuditRows } from './unwritten-audit-rows';
import type {
  ChooseAccountInput,
  CreateTaskInput,
  CrmSearchInput,
  DismissInput,
  FoundCrmRecord,
  EditTextsInput,
  PrepareDealEditorInput,
  RetryInput,
  ScheduleEventInput,
  UpdateDealInput,
} from './messages';

export function logNote(run: MeetingRun, { actor }: { actor: Actor }): Promise<ActionState> {
  // The note the meeting logs on its own waits behind the work people are waiting on.
  const writeNote = actor.slackUserId === systemActorId ? logCrmNoteUnattended : logCrmNote;
  return runAction(run, 'note', actor, () => writeNote({ ...meetingRef(run), ...noteAccount(run), ...actingFor(actor) }));
}

export function createDraft(run: MeetingRun, { actor }: { actor: Actor }): Promise<ActionState> {
  return runAction(run, 'draft', actor, () => createEmailDraft({ ...meetingRef(run), ...actingFor(actor) }));
}

export function scheduleEvent(run: MeetingRun, { actor, localDateTime }: ScheduleEventInput): Promise<ActionState> {
  return runAction(run, 'event', actor, () => scheduleFollowUp({ ...meetingRef(run), ...actingFor(actor), localDateTime }));
}

export function createTask(run: MeetingRun, { actor, subject, dueLocalDateTime, contactId }: CreateTaskInput): Promise<ActionState> {
  return runAction(run, 'task', actor, () =>
    createCrmTask({ ...meetingRef(run), accountId: chosenAccountId(run), ...actingFor(actor), subject, dueLocalDateTime, contactId }),
  );
}

export function updateDeal(run: MeetingRun, { actor, dealId, stageId, amount }: UpdateDealInput): Promise<ActionState> {
  run.dealUpdates += 1;
  const idempotencySuffix = String(run.dealUpdates);
  return runAction(run, 'deal', actor, () =>
    updateCrmDeal({ ...meetingRef(run), ...actingFor(actor), dealId, stageId, amount, idempotencySuffix }),
  );
}

const invitationsSentLabel = 'sent to the guests';

/** The event's guests are emailed once the rep confirms it; an action like the others, so a failure shows with Retry. */
export async function sendInvitations(run: MeetingRun, { actor }: { actor: Actor }): Promise<ActionState> {
  const { state } = run;
  const eventId = state.actions.event.externalId!;
  const send = () => sendEventInvitations({ ...meetingRef(run), ...actingFor(actor), eventId });
  if (hasPatch(run.onPatchBaseline, 'invitations-as-action')) {
    return runAction(run, 'invitations', actor, async () => {
      await send();
      return { externalId: eventId, label: invitationsSentLabel };
    });
  }
  await send();
  Object.assign(state.actions.invitations, { status: 'done', attempts: 1, externalId: eventId, label: invitationsSentLabel });
  markChanged(run);
  return { ...state.actions.invitations };
}

export async function prepareDealEditor(run: MeetingRun, { viewId, dealId }: PrepareDealEditorInput): Promise<void> {
  const { state, workflowId } = run;
  await showDealEditor({
    tenantId: state.tenantId,
    workflowId,
    recordingId: state.recordingId,
    accountId: chosenAccountId(run),
    accountName: state.account?.chosen?.name,
    viewId,
    dealId,
  });
}

export async function chooseAccount(run: MeetingRun, { actor, accountId, accountName, accountUrl }: ChooseAccountInput): Promise<void> {
  const { state } = run;
  // A candidate's own name, not the picker's label for it (which adds the domain).
  const candidate = state.account?.candidates.find((known) => known.id === accountId);
  const name = candidate?.name ?? accountName;
  const chosen: AccountCandidate = { id: accountId, name, url: accountUrl ?? candidate?.url, confidence: 1, source: 'rep' };
  state.account = { verdict: 'matched', candidates: state.account?.candidates ?? [], chosen };
  markChanged(run);
  // The choice is made either way; only the tenant's learning from it may be lost.
  await sideActivity('remembering the account choice', () => rememberAccountChoice({ ...meetingRef(run), account: chosen, ...actingFor(actor) }));
}

/** A read for a picker: it changes nothing in the meeting, so the card stays as it is. */
export function searchAccounts(run: MeetingRun, { actor, query }: CrmSearchInput): Promise<FoundCrmRecord[]> {
  return searchCrmAccounts({ tenantId: run.state.tenantId, workflowId: run.workflowId, ...actingFor(actor), query });
}

export function searchContacts(run: MeetingRun, { actor, query }: CrmSearchInput): Promise<FoundCrmRecord[]> {
  return searchCrmContacts({ tenantId: run.state.tenantId, workflowId: run.workflowId, ...actingFor(actor), query, accountId: chosenAccountId(run) });
}

export async function editTexts(run: MeetingRun, { actor, summary, emailSubject, emailBody, crmNote }: EditTextsInput): Promise<number> {
  const { state } = run;
  state.draftRevision = await saveDraftEdits({
    ...meetingRef(run),
    ...actingFor(actor),
    edits: { summary, emailSubject, emailBody, crmNote },
  });
  run.repActed = true;
  markChanged(run);
  return state.draftRevision;
}

/** "Done, no invitations": the event stays, nobody is emailed, and it counts as settled. */
export function skipInvitations(run: MeetingRun, { actor }: { actor: Actor }): ActionState {
  dismiss(run, { actor, action: 'invitations' });
  return { ...run.state.actions.invitations };
}

/** One action, or the whole meeting when no action is named. */
export function dismiss(run: MeetingRun, { actor, action }: DismissInput): void {
  const { state } = run;
  run.repActed = true;
  if (action) {
    state.actions[action].status = 'dismissed';
    state.actions[action].bySlackUserId = actor.slackUserId;
    refreshStatus(run);
  } else {
    state.status = 'dismissed';
  }
  markChanged(run);
}

/** Runs each failed action the requests name again, as its last attempt did, and audits who asked. */
export async function retryFailedActions(run: MeetingRun, requests: RetryInput[]): Promise<void> {
  const { state, workflowId } = run;
  for (const { kind, by } of requestedRetries(requests)) {
    const attempt = run.lastAttempt.get(kind);
    if (state.actions[kind].status !== 'failed' || !attempt) continue;
    await sideActivity('retry audit', () =>
      recordAudit({ tenantId: state.tenantId, actor: by, action: 'action.retry', target: kind, result: 'attempt', workflowId }),
    );
    await runAction(run, kind, attempt.actor, attempt.perform);
  }
}

/**
 * Runs an activity the meeting can do without (a reminder, an audit line): once it has failed
 * for good it is logged and the meeting goes on, so the card never freezes on it.
 */
export async function sideActivity(what: string, perform: () => Promise<void>): Promise<void> {
  try {
    await perform();
  } catch (error) {
    log.warn('A side activity failed; the meeting goes on', { what, error: describeFailure(error).message });
  }
}

async function runAction(run: MeetingRun, kind: ActionKind, actor: Actor, perform: () => Promise<ActionResult>): Promise<ActionState> {
  const action = run.state.actions[kind];
  run.lastAttempt.set(kind, { actor, perform });
  action.status = 'pending';
  action.attempts += 1;
  action.failure = undefined;
  action.bySlackUserId = actor.slackUserId;
  if (actor.slackUserId !== systemActorId) run.repActed = true;
  refreshStatus(run);
  markChanged(run);
  let failure: unknown;
  try {
    const result = await perform();
    action.status = 'done';
    action.externalId = result.externalId;
    action.url = result.url;
    action.label = result.label;
  } catch (error) {
    action.status = 'failed';
    action.failure = describeFailure(error);
    // The activity already logged the failure, once, at WARN with its reason; this is the outcome.
    log.info('Meeting action failed', { action: kind, kind: action.failure.kind });
    // Patched: histories recorded before admins were told replay without this activity.
    if (kind === 'note' && hasPatch(run.onPatchBaseline, 'report-failed-sync')) await reportNoteFailure(run, action.failure);
    failure = error;
  }
  refreshStatus(run);
  markChanged(run);
  const outcome = { ...action };
  // After the card has its outcome: this waits for the database if it is still down.
  if (failure !== undefined) await sideActivity('audit rows of the last attempt', () => writeUnwrittenAuditRows(run.state.tenantId, failure));
  return outcome;
}

/** The admins hear of a note that failed for good; telling them never fails the meeting. */
async function reportNoteFailure(run: MeetingRun, failure: ActionFailure): Promise<void> {
  const { state, workflowId } = run;
  if (!state.crm.provider) return;
  try {
    await reportFailedSync({ tenantId: state.tenantId, workflowId, provider: state.crm.provider, reason: failure.kind, message: failure.message });
  } catch {
    log.warn('Admins could not be told about a failed CRM note', { kind: failure.kind });
  }
}

/** Who the activity acts for, with the API's proof: the activity checks it before anything else. */
function actingFor(actor: Actor): ActingFor {
  return { actorSlackUserId: actor.slackUserId, actorIsAdmin: actor.isAdmin, actorProof: actor.proof };
}

/** What every activity input names: the tenant, the meeting and this workflow. */
function meetingRef(run: MeetingRun) {
  const { state, workflowId } = run;
  return { tenantId: state.tenantId, meetingRecordId: state.facts!.meetingRecordId, recordingId: state.recordingId, workflowId };
}

function chosenAccountId(run: MeetingRun): string {
  const chosen = run.state.account?.chosen;
  if (!chosen) throw ApplicationFailure.nonRetryable('No CRM account chosen', 'invalid');
  return chosen.id;
}

/** The chosen account as the card shows it: the note needs no CRM read for its label. */
function noteAccount(run: MeetingRun) {
  const chosen = run.state.account?.chosen;
  return { accountId: chosenAccountId(run), accountName: chosen?.name, accountUrl: chosen?.url };
}
