/**
 * Every message the meeting workflow answers, registered in one place. Each update pairs its rule
 * (meeting-rules.ts), run as the validator so a refusal leaves no trace in history, with the work
 * it does (meeting-actions.ts).
 */
import { setHandler } from '@temporalio/workflow';
import {
  chooseAccount,
  createDraft,
  createTask,
  dismiss,
  editTexts,
  logNote,
  prepareDealEditor,
  scheduleEvent,
  searchAccounts,
  searchContacts,
  sendInvitations,
  skipInvitations,
  updateDeal,
} from './meeting-actions';
import {
  assertActionAllowed,
  validateChooseAccount,
  validateCreateTask,
  validateDismiss,
  validateEditTexts,
  validatePrepareDealEditor,
  validateProcessAnyway,
  validateSearchAccounts,
  validateSearchContacts,
  validateSendInvitations,
  validateSkipInvitations,
  validateUpdateDeal,
} from './meeting-rules';
import type { MeetingRun } from './meeting-run';
import {
  cancelMeetingSignal,
  chooseAccountUpdate,
  createEmailDraftUpdate,
  createTaskUpdate,
  dismissUpdate,
  editTextsUpdate,
  logNoteUpdate,
  prepareDealEditorUpdate,
  processAnywayUpdate,
  retrySignal,
  scheduleFollowUpUpdate,
  searchAccountsUpdate,
  searchContactsUpdate,
  sendInvitationsUpdate,
  skipInvitationsUpdate,
  statusQuery,
  updateDealUpdate,
} from './messages';

export function registerMeetingHandlers(run: MeetingRun): void {
  const { state } = run;
  setHandler(statusQuery, () => state);
  setHandler(retrySignal, (request) => {
    run.retryRequests.push(request ?? {});
  });
  setHandler(cancelMeetingSignal, ({ reason }) => {
    run.cancelReason = reason;
  });

  setHandler(logNoteUpdate, (request) => logNote(run, request), {
    validator: ({ actor }) => assertActionAllowed(state, actor, 'note'),
  });
  setHandler(createEmailDraftUpdate, (request) => createDraft(run, request), {
    validator: ({ actor }) => assertActionAllowed(state, actor, 'draft'),
  });
  setHandler(scheduleFollowUpUpdate, (request) => scheduleEvent(run, request), {
    validator: ({ actor }) => assertActionAllowed(state, actor, 'event'),
  });
  setHandler(sendInvitationsUpdate, (request) => sendInvitations(run, request), {
    validator: (request) => validateSendInvitations(state, request),
  });
  setHandler(skipInvitationsUpdate, (request) => skipInvitations(run, request), {
    validator: (request) => validateSkipInvitations(state, request),
  });
  setHandler(createTaskUpdate, (request) => createTask(run, request), {
    validator: (request) => validateCreateTask(state, request),
  });
  setHandler(updateDealUpdate, (request) => updateDeal(run, request), {
    validator: (request) => validateUpdateDeal(state, request),
  });
  setHandler(prepareDealEditorUpdate, (request) => prepareDealEditor(run, request), {
    validator: (request) => validatePrepareDealEditor(state, request),
  });
  setHandler(chooseAccountUpdate, (request) => chooseAccount(run, request), {
    validator: (request) => validateChooseAccount(state, request),
  });
  setHandler(searchAccountsUpdate, (request) => searchAccounts(run, request), {
    validator: (request) => validateSearchAccounts(state, request),
  });
  setHandler(searchContactsUpdate, (request) => searchContacts(run, request), {
    validator: (request) => validateSearchContacts(state, request),
  });
  setHandler(editTextsUpdate, (request) => editTexts(run, request), {
    validator: (request) => validateEditTexts(state, request),
  });
  setHandler(dismissUpdate, (request) => dismiss(run, request), {
    validator: (request) => validateDismiss(state, request),
  });
  setHandler(
    processAnywayUpdate,
    () => {
      run.forced = true;
    },
    { validator: (request) => validateProcessAnyway(state, request) },
  );
}
