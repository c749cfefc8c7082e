/**
 * The meeting's rules as pure functions of its state: who may act, what may happen now, which
 * arguments an update accepts, and what the status is. They issue no workflow commands, so the
 * workflow may call them anywhere (validators included) without touching its history, and tests
 * run them in milliseconds. A refusal is an Error whose message the rep reads in Slack.
 */
import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { CrmCapability } from '../domain/crm';
import { actionKinds, coreActionKinds, systemActorId } from '../domain/meeting';
import type { ActionFailure, ActionKind, Actor, CrmSyncStatus, MeetingState, MeetingStatus } from '../domain/meeting';
import { failureCause } from './failure-cause';
import type {
  ChooseAccountInput,
  CreateTaskInput,
  CrmSearchInput,
  DismissInput,
  EditTextsInput,
  PrepareDealEditorInput,
  RetryInput,
  UpdateDealInput,
} from './messages';

export const closedStatuses: readonly MeetingStatus[] = ['completed', 'dismissed', 'expired', 'cancelled'];
/** A confident match may be logged automatically when the tenant's policy allows it. */
export const autoLogConfidence = 0.9;

/** The meeting's own workspace, and there only its rep or an admin; the system acts only from inside the workflow. */
export function assertIsRepOrAdmin(state: MeetingState, actor: Actor): void {
  if (actor.slackUserId === systemActorId) throw new Error('The system actor cannot be named in a request.');
  if (actor.tenantId !== state.tenantId) throw new Error('This meeting belongs to another workspace.');
  if (actor.slackUserId !== state.repSlackUserId && !actor.isAdmin) {
    throw new Error('Only the rep who recorded this meeting (or a workspace admin) can do that.');
  }
}

/** The rep or an admin, on a follow-up that is prepared and not closed. */
export function assertCanAct(state: MeetingState, actor: Actor): void {
  assertIsRepOrAdmin(state, actor);
  if (closedStatuses.includes(state.status)) throw new Error(`This follow-up is ${state.status}; nothing more can be done.`);
  if (state.status === 'preparing' || state.draftRevision === 0) {
    throw new Error('The follow-up is still being prepared. Try again in a moment.');
  }
}

export function assertActionAllowed(state: MeetingState, actor: Actor, kind: ActionKind): void {
  assertCanAct(state, actor);
  if (!state.offeredActions.includes(kind)) throw new Error('Your workspace has turned this action off.');
  const action = state.actions[kind];
  if (action.status === 'pending') throw new Error('That is already in progress.');
  if (action.status === 'done' && kind !== 'deal') throw new Error('That is already done.');
  if (action.status === 'dismissed') throw new Error('That action was dismissed.');
  if (kind === 'note') assertCrmAccountReady(state, 'notes');
  if (kind === 'task') assertCrmAccountReady(state, 'tasks');
  if (kind === 'deal') assertCrmAccountReady(state, 'dealUpdate');
}

export function validateCreateTask(state: MeetingState, { actor, subject, dueLocalDateTime }: CreateTaskInput): void {
  assertActionAllowed(state, actor, 'task');
  if (!subject.trim()) throw new Error('The task needs a subject.');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(dueLocalDateTime)) throw new Error('The due date must look like 2026-12-03T09:00.');
}

export function validateUpdateDeal(state: MeetingState, { actor, stageId, amount }: UpdateDealInput): void {
  assertActionAllowed(state, actor, 'deal');
  if (stageId === undefined && amount === undefined) throw new Error('Nothing to change on the deal.');
  if (amount !== undefined && (!Number.isFinite(amount) || amount < 0)) throw new Error('The amount must be a positive number.');
}

export function validateEditTexts(state: MeetingState, { actor, summary, emailSubject, emailBody, crmNote }: EditTextsInput): void {
  assertCanAct(state, actor);
  if ([summary, emailSubject, emailBody, crmNote].every((value) => value === undefined)) throw new Error('Nothing was changed.');
  if (summary !== undefined && !summary.trim()) throw new Error('The summary cannot be empty.');
  if (emailSubject !== undefined && !emailSubject.trim()) throw new Error('The email needs a subject.');
}

export function validateDismiss(state: MeetingState, { actor, action }: DismissInput): void {
  assertCanAct(state, actor);
  if (action && ['pending', 'done'].includes(state.actions[action].status)) {
    throw new Error('That action has already started; it cannot be dismissed.');
  }
}

/** An internal-only meeting has no draft yet, so only who asks matters, not whether it is prepared. */
export function validateProcessAnyway(state: MeetingState, { actor }: { actor: Actor }): void {
  assertIsRepOrAdmin(state, actor);
  if (state.status !== 'skipped-internal') throw new Error('This meeting is already being processed.');
}

export function validateSendInvitations(state: MeetingState, { actor }: { actor: Actor }): void {
  assertCanAct(state, actor);
  const { event, invitations } = state.actions;
  if (event.status !== 'done' || !event.externalId) throw new Error('Schedule the follow-up meeting first.');
  if (invitations.status === 'pending') throw new Error('The invitations are being sent.');
  if (invitations.status === 'done') throw new Error('The invitations were already sent.');
  if (invitations.status === 'dismissed') throw new Error('This follow-up meeting was marked done without invitations.');
}

/** "Done, no invitations": for a created event whose guests were not (and will not be) emailed. */
export function validateSkipInvitations(state: MeetingState, { actor }: { actor: Actor }): void {
  assertCanAct(state, actor);
  const { event, invitations } = state.actions;
  if (event.status !== 'done') throw new Error('Schedule the follow-up meeting first.');
  if (invitations.status === 'pending') throw new Error('The invitations are being sent.');
  if (invitations.status === 'done') throw new Error('The invitations were already sent.');
  if (invitations.status === 'dismissed') throw new Error('This follow-up meeting is already marked done without invitations.');
}

export function validatePrepareDealEditor(state: MeetingState, { actor }: PrepareDealEditorInput): void {
  assertCanAct(state, actor);
  assertCrmAccountReady(state, 'deals');
}

export function validateChooseAccount(state: MeetingState, { actor, accountId }: ChooseAccountInput): void {
  assertCanAct(state, actor);
  assertCrmConnected(state);
  if (!accountId) throw new Error('Choose an account.');
  if (state.actions.note.status === 'pending') throw new Error('Wait until the note being logged is finished.');
  // The task and the deal must land where the note is, so the note's account is the meeting's for good.
  if (state.actions.note.status === 'done') {
    throw new Error(`The note is already logged on ${state.account?.chosen?.name ?? 'the chosen account'}, so the account can no longer change.`);
  }
}

/** The longest query a CRM search takes from a picker; more is no longer a search by name. */
export const crmSearchQueryMaxLength = 100;

export function validateSearchAccounts(state: MeetingState, { actor, query }: CrmSearchInput): void {
  assertCanAct(state, actor);
  assertCrmConnected(state);
  assertSearchQuery(query);
}

/** Contacts are searched within the chosen account, so the task form only lists people of that company. */
export function validateSearchContacts(state: MeetingState, { actor, query }: CrmSearchInput): void {
  assertCanAct(state, actor);
  assertCrmAccountReady(state, 'contacts');
  assertSearchQuery(query);
}

function assertSearchQuery(query: string): void {
  if (!query.trim()) throw new Error('Type part of a name to search.');
  if (query.length > crmSearchQueryMaxLength) throw new Error(`Search with at most ${crmSearchQueryMaxLength} characters.`);
}

function assertCrmConnected(state: MeetingState): void {
  if (!state.crm.provider) throw new Error('Connect your CRM first (App Home → Connections).');
}

/** CRM work needs a connected CRM that can do it, and the account it is about. */
function assertCrmAccountReady(state: MeetingState, needed: CrmCapability): void {
  assertCrmConnected(state);
  if (!state.crm.capabilities.includes(needed)) throw new Error(`Your CRM (${state.crm.provider}) does not support this.`);
  if (!state.account?.chosen) throw new Error('Pick the CRM account for this meeting first.');
}

/** The status the actions add up to; preparation, the internal-only pause and closed meetings keep theirs. */
export function derivedStatus(state: MeetingState): MeetingStatus {
  if (closedStatuses.includes(state.status) || state.status === 'preparing' || state.status === 'skipped-internal') {
    return state.status;
  }
  const statuses = actionKinds.map((kind) => state.actions[kind].status);
  if (statuses.includes('pending')) return 'working';
  if (statuses.includes('failed')) return 'needs-attention';
  return 'awaiting-rep';
}

/** The meeting is finished once every offered core action is done or dismissed (a created event: once its invitations are too). */
export function everyCoreActionSettled(state: MeetingState, eventWaitsForInvitations: boolean): boolean {
  return coreActionKinds
    .filter((kind) => state.offeredActions.includes(kind))
    .every((kind) => {
      const { status } = state.actions[kind];
      if (kind === 'event' && status === 'done' && eventWaitsForInvitations) return ['done', 'dismissed'].includes(state.actions.invitations.status);
      return status === 'done' || status === 'dismissed';
    });
}

/**
 * A mapping a rep made (by picking an account for a domain once) proposes an account but never
 * sends a meeting's notes there unasked: any rep of the workspace may have made it, for every
 * later meeting with that domain. (`trustRepMappings` keeps the old rule for runs started before.)
 */
export function shouldAutoLogNote(state: MeetingState, autoLogWhenConfident: boolean, trustRepMappings = false): boolean {
  const chosen = state.account?.chosen;
  if (!autoLogWhenConfident || !chosen || chosen.confidence < autoLogConfidence) return false;
  if (chosen.source === 'rep-mapping' && !trustRepMappings) return false;
  return state.crm.capabilities.includes('notes') && state.offeredActions.includes('note');
}

/** Which actions the retry requests name (all of them when one names none), each with who asked first. */
export function requestedRetries(requests: readonly RetryInput[]): { kind: ActionKind; by: string }[] {
  const wanted = new Set(requests.map((request) => request.action));
  const kinds = wanted.has(undefined) ? actionKinds : actionKinds.filter((kind) => wanted.has(kind));
  return kinds.map((kind) => ({
    kind,
    by: requests.find((request) => request.action === kind || request.action === undefined)?.by ?? 'operator',
  }));
}

export function crmSyncStatus(state: MeetingState): CrmSyncStatus {
  const crmActions = [state.actions.note, state.actions.task, state.actions.deal];
  if (crmActions.some((action) => action.status === 'failed')) return 'failed';
  if (crmActions.some((action) => action.status === 'pending')) return 'pending';
  if (state.actions.note.status === 'done') return 'synced';
  if (state.actions.note.status === 'dismissed') return 'dismissed';
  return 'not-started';
}

/** Turns an activity failure into what the card shows: a sentence the rep can act on. */
export function describeFailure(error: unknown): ActionFailure {
  const cause = failureCause(error);
  if (cause instanceof ApplicationFailure) {
    const kind = cause.type ?? 'unknown';
    return { message: kind === 'retryable' ? afterRetriesSpent(cause.message) : cause.message, kind };
  }
  if (cause instanceof TimeoutFailure) return { message: afterRetriesSpent('The service did not answer in time.'), kind: 'retryable' };
  return { message: 'Something went wrong; an operator has been notified.', kind: 'unknown' };
}

/** What clients say of a transient failure while Temporal still retries it. */
const automaticRetryPromise = /[;,]\s*(it|the draft) will be retried automatically\.?$/;

/**
 * A retryable failure reaches the workflow only once its retries are spent, so "it will be
 * retried automatically" would leave the rep waiting for nothing: say what to do instead.
 */
function afterRetriesSpent(message: string): string {
  return `${message.replace(automaticRetryPromise, '.')} I tried several times; press Retry to try again.`;
}
