import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { actionKinds } from '../../../domain/meeting';
import type { ActionKind, ActionStatus, Actor, MeetingState, MeetingStatus } from '../../../domain/meeting';
import {
  assertActionAllowed,
  assertCanAct,
  closedStatuses,
  crmSyncStatus,
  derivedStatus,
  describeFailure,
  everyCoreActionSettled,
  requestedRetries,
  shouldAutoLogNote,
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
} from '../../../workflows/meeting-rules';

const rep: Actor = { tenantId: 't1', slackUserId: 'U_REP', isAdmin: false };
const otherRep: Actor = { tenantId: 't1', slackUserId: 'U_OTHER', isAdmin: false };
const admin: Actor = { tenantId: 't1', slackUserId: 'U_ADMIN', isAdmin: true };
const otherWorkspaceAdmin: Actor = { tenantId: 't2', slackUserId: 'U_REP', isAdmin: true };

const notYourMeeting = { message: 'Only the rep who recorded this meeting (or a workspace admin) can do that.' };
const connectCrmFirst = { message: 'Connect your CRM first (App Home → Connections).' };

/** A prepared meeting waiting for the rep, HubSpot connected and the account chosen. */
function meeting(...changes: ((state: MeetingState) => void)[]): MeetingState {
  const state: MeetingState = {
    tenantId: 't1',
    recordingId: 'rec-1',
    repSlackUserId: 'U_REP',
    status: 'awaiting-rep',
    draftRevision: 1,
    crm: { provider: 'hubspot', capabilities: ['notes', 'noteOnDeal', 'deals', 'dealUpdate', 'contacts', 'tasks'] },
    account: {
      verdict: 'matched',
      candidates: [],
      chosen: { id: 'acc-1', name: 'Client Inc', confidence: 0.95, source: 'domain' },
    },
    actions: Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }])) as MeetingState['actions'],
    offeredActions: [...actionKinds],
    nudged: false,
  };
  for (const change of changes) change(state);
  return state;
}

function withAction(kind: ActionKind, status: ActionStatus) {
  return (state: MeetingState) => {
    state.actions[kind].status = status;
  };
}

function withStatus(status: MeetingStatus) {
  return (state: MeetingState) => {
    state.status = status;
  };
}

function withoutAccount(state: MeetingState): void {
  state.account = { verdict: 'ambiguous', candidates: [] };
}

function withoutCrm(state: MeetingState): void {
  state.crm = { provider: null, capabilities: [] };
  state.account = undefined;
}

describe('meeting rules', () => {
  describe('who may act on a meeting', () => {
    it('lets the meeting’s rep and a workspace admin act', () => {
      assert.doesNotThrow(() => assertCanAct(meeting(), rep));
      assert.doesNotThrow(() => assertCanAct(meeting(), admin));
    });

    it('refuses a rep who is neither the meeting’s rep nor an admin', () => {
      assert.throws(() => assertCanAct(meeting(), otherRep), notYourMeeting);
    });

    it('refuses anyone from another workspace, even an admin with the same Slack id', () => {
      assert.throws(() => assertCanAct(meeting(), otherWorkspaceAdmin), { message: 'This meeting belongs to another workspace.' });
    });

    it('refuses a request naming the system actor: only the workflow itself acts as the system', () => {
      const system = { tenantId: meeting().tenantId, slackUserId: 'system', isAdmin: true };
      assert.throws(() => assertCanAct(meeting(), system), { message: 'The system actor cannot be named in a request.' });
    });

    it('refuses everything once the follow-up is closed, naming how it ended', () => {
      for (const status of closedStatuses) {
        assert.throws(() => assertCanAct(meeting(withStatus(status)), rep), { message: `This follow-up is ${status}; nothing more can be done.` });
      }
      assert.deepEqual([...closedStatuses].sort(), ['cancelled', 'completed', 'dismissed', 'expired']);
    });

    it('asks to try again while the follow-up is still being prepared', () => {
      const stillPreparing = { message: 'The follow-up is still being prepared. Try again in a moment.' };
      assert.throws(() => assertCanAct(meeting(withStatus('preparing')), rep), stillPreparing);
      assert.throws(() => assertCanAct(meeting((s) => (s.draftRevision = 0)), rep), stillPreparing);
    });
  });

  describe('which action is allowed now', () => {
    it('allows the draft and the event without any CRM', () => {
      assert.doesNotThrow(() => assertActionAllowed(meeting(withoutCrm), rep, 'draft'));
      assert.doesNotThrow(() => assertActionAllowed(meeting(withoutCrm), rep, 'event'));
    });

    it('refuses an action the workspace turned off', () => {
      const noTasks = meeting((s) => (s.offeredActions = ['note', 'draft', 'event', 'deal']));
      assert.throws(() => assertActionAllowed(noTasks, rep, 'task'), { message: 'Your workspace has turned this action off.' });
    });

    it('refuses a second click while the action runs, and a repeat once it is done', () => {
      assert.throws(() => assertActionAllowed(meeting(withAction('note', 'pending')), rep, 'note'), { message: 'That is already in progress.' });
      assert.throws(() => assertActionAllowed(meeting(withAction('note', 'done')), rep, 'note'), { message: 'That is already done.' });
    });

    it('lets the rep update the deal again after an earlier update', () => {
      assert.doesNotThrow(() => assertActionAllowed(meeting(withAction('deal', 'done')), rep, 'deal'));
    });

    it('refuses a dismissed action', () => {
      assert.throws(() => assertActionAllowed(meeting(withAction('draft', 'dismissed')), rep, 'draft'), { message: 'That action was dismissed.' });
    });

    it('asks to connect a CRM first for the note, the task, the deal, the deal editor and the account choice, in the same words', () => {
      const state = meeting(withoutCrm);
      for (const kind of ['note', 'task', 'deal'] as const) assert.throws(() => assertActionAllowed(state, rep, kind), connectCrmFirst);
      assert.throws(() => validatePrepareDealEditor(state, { actor: rep, viewId: 'V1' }), connectCrmFirst);
      assert.throws(() => validateChooseAccount(state, { actor: rep, accountId: 'acc-1', accountName: 'Client Inc' }), connectCrmFirst);
    });

    it('refuses CRM work the connected CRM cannot do', () => {
      const notesOnly = meeting((s) => (s.crm.capabilities = ['notes']));
      assert.throws(() => assertActionAllowed(notesOnly, rep, 'task'), { message: 'Your CRM (hubspot) does not support this.' });
      assert.throws(() => assertActionAllowed(notesOnly, rep, 'deal'), { message: 'Your CRM (hubspot) does not support this.' });
      assert.doesNotThrow(() => assertActionAllowed(notesOnly, rep, 'note'));
    });

    it('asks to pick the CRM account before any CRM work', () => {
      const noAccount = meeting(withoutAccount);
      for (const kind of ['note', 'task', 'deal'] as const) {
        assert.throws(() => assertActionAllowed(noAccount, rep, kind), { message: 'Pick the CRM account for this meeting first.' });
      }
    });

    it('applies who-may-act before anything else', () => {
      assert.throws(() => assertActionAllowed(meeting(withoutCrm), otherRep, 'note'), notYourMeeting);
    });
  });

  describe('the CRM task', () => {
    const task = { actor: rep, subject: 'Send the pilot proposal', dueLocalDateTime: '2026-12-03T09:00' };

    it('accepts a subject and a local due date', () => {
      assert.doesNotThrow(() => validateCreateTask(meeting(), task));
    });

    it('refuses a blank subject', () => {
      assert.throws(() => validateCreateTask(meeting(), { ...task, subject: '   ' }), { message: 'The task needs a subject.' });
    });

    it('refuses a due date that is not a local date-time like 2026-12-03T09:00', () => {
      for (const due of ['2026-12-03', '03/12/2026 09:00', '2026-12-03T09:00:00Z', '']) {
        assert.throws(() => validateCreateTask(meeting(), { ...task, dueLocalDateTime: due }), { message: 'The due date must look like 2026-12-03T09:00.' });
      }
    });
  });

  describe('the deal update', () => {
    const deal = { actor: rep, dealId: 'deal-1' };

    it('accepts a new stage, a new amount, or both; an amount of 0 included', () => {
      assert.doesNotThrow(() => validateUpdateDeal(meeting(), { ...deal, stageId: 'won' }));
      assert.doesNotThrow(() => validateUpdateDeal(meeting(), { ...deal, amount: 0 }));
      assert.doesNotThrow(() => validateUpdateDeal(meeting(), { ...deal, stageId: 'won', amount: 12_000 }));
    });

    it('refuses an update that changes nothing', () => {
      assert.throws(() => validateUpdateDeal(meeting(), deal), { message: 'Nothing to change on the deal.' });
    });

    it('refuses an amount below 0 or that is not a number', () => {
      for (const amount of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(() => validateUpdateDeal(meeting(), { ...deal, amount }), { message: 'The amount must be a positive number.' });
      }
    });
  });

  describe('editing the texts', () => {
    it('accepts a changed note, and an emptied email body or note', () => {
      assert.doesNotThrow(() => validateEditTexts(meeting(), { actor: rep, crmNote: 'Pilot proposal due Friday.' }));
      assert.doesNotThrow(() => validateEditTexts(meeting(), { actor: rep, emailBody: '', crmNote: '' }));
    });

    it('refuses an edit that changes nothing', () => {
      assert.throws(() => validateEditTexts(meeting(), { actor: rep }), { message: 'Nothing was changed.' });
    });

    it('refuses a blank summary or email subject', () => {
      assert.throws(() => validateEditTexts(meeting(), { actor: rep, summary: ' ' }), { message: 'The summary cannot be empty.' });
      assert.throws(() => validateEditTexts(meeting(), { actor: rep, emailSubject: '' }), { message: 'The email needs a subject.' });
    });

    it('refuses another rep', () => {
      assert.throws(() => validateEditTexts(meeting(), { actor: otherRep, summary: 'Mine now' }), notYourMeeting);
    });
  });

  describe('dismissing', () => {
    it('dismisses the whole meeting, an idle action or a failed one', () => {
      assert.doesNotThrow(() => validateDismiss(meeting(), { actor: rep }));
      assert.doesNotThrow(() => validateDismiss(meeting(), { actor: rep, action: 'task' }));
      assert.doesNotThrow(() => validateDismiss(meeting(withAction('note', 'failed')), { actor: rep, action: 'note' }));
    });

    it('refuses to dismiss an action that has started or is done', () => {
      for (const status of ['pending', 'done'] as const) {
        assert.throws(
          () => validateDismiss(meeting(withAction('draft', status)), { actor: rep, action: 'draft' }),
          { message: 'That action has already started; it cannot be dismissed.' },
        );
      }
    });
  });

  describe('processing an internal-only meeting anyway', () => {
    const skipped = (): MeetingState => meeting(withStatus('skipped-internal'), (s) => (s.draftRevision = 0));

    it('lets the rep or an admin process it although nothing is drafted yet', () => {
      assert.doesNotThrow(() => validateProcessAnyway(skipped(), { actor: rep }));
      assert.doesNotThrow(() => validateProcessAnyway(skipped(), { actor: admin }));
    });

    it('refuses another rep and another workspace with the same words as every other request', () => {
      assert.throws(() => validateProcessAnyway(skipped(), { actor: otherRep }), notYourMeeting);
      assert.throws(() => validateProcessAnyway(skipped(), { actor: otherWorkspaceAdmin }), { message: 'This meeting belongs to another workspace.' });
    });

    it('refuses once the meeting is already being processed', () => {
      assert.throws(() => validateProcessAnyway(meeting(), { actor: rep }), { message: 'This meeting is already being processed.' });
    });
  });

  describe('sending the invitations', () => {
    const scheduled = (state: MeetingState) => {
      state.actions.event = { status: 'done', attempts: 1, externalId: 'evt-1' };
    };

    it('sends them once the follow-up meeting is scheduled', () => {
      assert.doesNotThrow(() => validateSendInvitations(meeting(scheduled), { actor: rep }));
    });

    it('asks to schedule the follow-up meeting first', () => {
      assert.throws(() => validateSendInvitations(meeting(), { actor: rep }), { message: 'Schedule the follow-up meeting first.' });
      assert.throws(() => validateSendInvitations(meeting(withAction('event', 'failed')), { actor: rep }), { message: 'Schedule the follow-up meeting first.' });
    });

    it('refuses to send them twice', () => {
      const sent = meeting(scheduled, withAction('invitations', 'done'));
      assert.throws(() => validateSendInvitations(sent, { actor: rep }), { message: 'The invitations were already sent.' });
    });

    it('refuses a second click while the first one is still sending', () => {
      const sending = meeting(scheduled, withAction('invitations', 'pending'));
      assert.throws(() => validateSendInvitations(sending, { actor: rep }), { message: 'The invitations are being sent.' });
    });

    it('sends them again after a failure', () => {
      assert.doesNotThrow(() => validateSendInvitations(meeting(scheduled, withAction('invitations', 'failed')), { actor: rep }));
    });
  });

  describe('"Done, no invitations"', () => {
    const scheduled = (state: MeetingState) => {
      state.actions.event = { status: 'done', attempts: 1, externalId: 'evt-1' };
    };

    it('settles a created event whose invitations were not sent, even after a failed send', () => {
      assert.doesNotThrow(() => validateSkipInvitations(meeting(scheduled), { actor: rep }));
      assert.doesNotThrow(() => validateSkipInvitations(meeting(scheduled, withAction('invitations', 'failed')), { actor: rep }));
    });

    it('refuses when there is no event, or its invitations are sent or on their way', () => {
      assert.throws(() => validateSkipInvitations(meeting(), { actor: rep }), { message: 'Schedule the follow-up meeting first.' });
      assert.throws(() => validateSkipInvitations(meeting(scheduled, withAction('invitations', 'done')), { actor: rep }), {
        message: 'The invitations were already sent.',
      });
      assert.throws(() => validateSkipInvitations(meeting(scheduled, withAction('invitations', 'pending')), { actor: rep }), {
        message: 'The invitations are being sent.',
      });
    });

    it('is only for the rep or an admin', () => {
      assert.throws(() => validateSkipInvitations(meeting(scheduled), { actor: otherRep }), notYourMeeting);
    });
  });

  describe('opening the deal editor', () => {
    it('opens for a chosen account on a CRM that lists deals', () => {
      assert.doesNotThrow(() => validatePrepareDealEditor(meeting(), { actor: rep, viewId: 'V1' }));
    });

    it('refuses a CRM that cannot list deals, and a meeting without a chosen account', () => {
      const noDeals = meeting((s) => (s.crm.capabilities = ['notes', 'dealUpdate']));
      assert.throws(() => validatePrepareDealEditor(noDeals, { actor: rep, viewId: 'V1' }), { message: 'Your CRM (hubspot) does not support this.' });
      const noAccount = meeting(withoutAccount);
      assert.throws(() => validatePrepareDealEditor(noAccount, { actor: rep, viewId: 'V1' }), { message: 'Pick the CRM account for this meeting first.' });
    });
  });

  describe('choosing the CRM account', () => {
    const choice = { actor: rep, accountId: 'acc-2', accountName: 'Client Group' };

    it('lets the rep choose an account when none is chosen yet', () => {
      assert.doesNotThrow(() => validateChooseAccount(meeting(withoutAccount), choice));
    });

    it('refuses an empty choice', () => {
      assert.throws(() => validateChooseAccount(meeting(), { ...choice, accountId: '' }), { message: 'Choose an account.' });
    });

    it('waits until a note being logged is finished', () => {
      assert.throws(() => validateChooseAccount(meeting(withAction('note', 'pending')), choice), { message: 'Wait until the note being logged is finished.' });
    });

    it('keeps the account once the note is logged there, and says why', () => {
      assert.throws(() => validateChooseAccount(meeting(withAction('note', 'done')), choice), {
        message: 'The note is already logged on Client Inc, so the account can no longer change.',
      });
    });

    it('lets the rep correct the account after a failed or dismissed note', () => {
      assert.doesNotThrow(() => validateChooseAccount(meeting(withAction('note', 'failed')), choice));
      assert.doesNotThrow(() => validateChooseAccount(meeting(withAction('note', 'dismissed')), choice));
    });
  });

  describe('searching the CRM from a picker', () => {
    it('lets the rep or an admin search accounts before one is chosen, and nobody else', () => {
      assert.doesNotThrow(() => validateSearchAccounts(meeting(withoutAccount), { actor: rep, query: 'North' }));
      assert.doesNotThrow(() => validateSearchAccounts(meeting(withoutAccount), { actor: admin, query: 'North' }));
      assert.throws(() => validateSearchAccounts(meeting(withoutAccount), { actor: otherRep, query: 'North' }), notYourMeeting);
      assert.throws(() => validateSearchAccounts(meeting(withoutAccount), { actor: otherWorkspaceAdmin, query: 'North' }), {
        message: 'This meeting belongs to another workspace.',
      });
      assert.throws(() => validateSearchAccounts(meeting(withoutCrm), { actor: rep, query: 'North' }), connectCrmFirst);
    });

    it('refuses an empty or overlong query', () => {
      assert.throws(() => validateSearchAccounts(meeting(), { actor: rep, query: '  ' }), { message: 'Type part of a name to search.' });
      assert.throws(() => validateSearchAccounts(meeting(), { actor: rep, query: 'x'.repeat(101) }), { message: 'Search with at most 100 characters.' });
    });

    it('searches contacts only within a chosen account', () => {
      assert.doesNotThrow(() => validateSearchContacts(meeting(), { actor: rep, query: 'John' }));
      assert.throws(() => validateSearchContacts(meeting(withoutAccount), { actor: rep, query: 'John' }), { message: 'Pick the CRM account for this meeting first.' });
      assert.throws(() => validateSearchContacts(meeting(), { actor: otherRep, query: 'John' }), notYourMeeting);
    });
  });

  describe('the meeting status', () => {
    it('is working while any action runs, even if another failed', () => {
      assert.equal(derivedStatus(meeting(withAction('note', 'failed'), withAction('draft', 'pending'))), 'working');
    });

    it('needs attention when an action failed and none runs', () => {
      assert.equal(derivedStatus(meeting(withAction('task', 'failed'))), 'needs-attention');
    });

    it('awaits the rep otherwise, also after a retry succeeded', () => {
      assert.equal(derivedStatus(meeting(withAction('note', 'done'))), 'awaiting-rep');
      assert.equal(derivedStatus(meeting(withStatus('needs-attention'))), 'awaiting-rep');
    });

    it('keeps preparing, skipped-internal and closed statuses whatever the actions say', () => {
      const kept: MeetingStatus[] = ['preparing', 'skipped-internal', ...closedStatuses];
      for (const status of kept) {
        assert.equal(derivedStatus(meeting(withStatus(status), withAction('note', 'pending'))), status);
      }
    });
  });

  describe('when the meeting is finished', () => {
    const settled = (state: MeetingState) => {
      state.actions.note.status = 'done';
      state.actions.draft.status = 'dismissed';
      state.actions.event = { status: 'done', attempts: 1, externalId: 'evt-1' };
      state.actions.invitations.status = 'done';
    };

    it('finishes once note, draft and event are each done or dismissed; task and deal are optional', () => {
      assert.equal(everyCoreActionSettled(meeting(settled), true), true);
      assert.equal(everyCoreActionSettled(meeting(settled, withAction('note', 'failed')), true), false);
    });

    it('counts a created event marked "Done, no invitations" as settled', () => {
      assert.equal(everyCoreActionSettled(meeting(settled, withAction('invitations', 'dismissed')), true), true);
    });

    it('waits for the invitations after the event is created, except in meetings started before that rule', () => {
      const notInvited = meeting(settled, withAction('invitations', 'idle'));
      assert.equal(everyCoreActionSettled(notInvited, true), false);
      assert.equal(everyCoreActionSettled(notInvited, false), true);
    });

    it('does not wait for an action the workspace does not offer', () => {
      const noEvent = meeting(settled, withAction('event', 'idle'), (s) => (s.offeredActions = ['note', 'draft']));
      assert.equal(everyCoreActionSettled(noEvent, true), true);
    });
  });

  describe('logging the note automatically', () => {
    it('logs it when the tenant allows it and the match is at least 90% sure', () => {
      assert.equal(shouldAutoLogNote(meeting(), true), true);
      assert.equal(shouldAutoLogNote(meeting((s) => (s.account!.chosen!.confidence = 0.9)), true), true);
    });

    it('leaves it to the rep when the policy is off, the match is less sure, no account is chosen, the CRM has no notes or the note is not offered', () => {
      assert.equal(shouldAutoLogNote(meeting(), false), false);
      assert.equal(shouldAutoLogNote(meeting((s) => (s.account!.chosen!.confidence = 0.89)), true), false);
      assert.equal(shouldAutoLogNote(meeting(withoutAccount), true), false);
      assert.equal(shouldAutoLogNote(meeting((s) => (s.crm.capabilities = ['tasks'])), true), false);
      assert.equal(shouldAutoLogNote(meeting((s) => (s.offeredActions = ['draft', 'event'])), true), false);
    });

    it('never logs it for an account that only a rep-made mapping matched, however sure', () => {
      const fromMapping = meeting((s) => (s.account!.chosen = { id: 'acc-2', name: 'Mapped Inc', confidence: 1, source: 'rep-mapping' }));
      assert.equal(shouldAutoLogNote(fromMapping, true), false);
      assert.equal(shouldAutoLogNote(fromMapping, true, true), true, 'runs started before the rule keep the old one, so they replay');
      const fromAdminMapping = meeting((s) => (s.account!.chosen = { id: 'acc-2', name: 'Mapped Inc', confidence: 1, source: 'mapping' }));
      assert.equal(shouldAutoLogNote(fromAdminMapping, true), true);
    });
  });

  describe('retry requests', () => {
    it('retries every action when a request names none, crediting whoever asked', () => {
      assert.deepEqual(
        requestedRetries([{ by: 'U_REP' }]),
        actionKinds.map((kind) => ({ kind, by: 'U_REP' })),
      );
    });

    it('retries only the named actions, in the card’s order, crediting the first to ask and the operator when nobody is named', () => {
      assert.deepEqual(requestedRetries([{ action: 'event' }, { action: 'note', by: 'U_REP' }, { action: 'note', by: 'U_ADMIN' }]), [
        { kind: 'note', by: 'U_REP' },
        { kind: 'event', by: 'operator' },
      ]);
    });
  });

  describe('CRM sync status (a search attribute operators filter on)', () => {
    it('is failed when any CRM write failed, even while another runs', () => {
      assert.equal(crmSyncStatus(meeting(withAction('deal', 'failed'), withAction('note', 'pending'))), 'failed');
    });

    it('is pending while a CRM write runs', () => {
      assert.equal(crmSyncStatus(meeting(withAction('task', 'pending'))), 'pending');
    });

    it('is synced once the note is logged, dismissed when the note was dismissed, and not started otherwise', () => {
      assert.equal(crmSyncStatus(meeting(withAction('note', 'done'))), 'synced');
      assert.equal(crmSyncStatus(meeting(withAction('note', 'dismissed'))), 'dismissed');
      assert.equal(crmSyncStatus(meeting()), 'not-started');
    });

    it('ignores the email draft and the calendar event', () => {
      assert.equal(crmSyncStatus(meeting(withAction('draft', 'failed'), withAction('event', 'pending'))), 'not-started');
    });
  });

  describe('what the card says about a failure', () => {
    const failedActivity = (cause: Error) =>
      new ActivityFailure('Activity task failed', 'logCrmNote', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker', cause);

    it('shows the activity’s own sentence and kind', () => {
      const cause = ApplicationFailure.create({ message: 'Reconnect HubSpot in App Home.', type: 'reconnect', nonRetryable: true });
      assert.deepEqual(describeFailure(failedActivity(cause)), { message: 'Reconnect HubSpot in App Home.', kind: 'reconnect' });
      assert.deepEqual(describeFailure(ApplicationFailure.create({ message: 'No CRM account chosen' })), { message: 'No CRM account chosen', kind: 'unknown' });
    });

    it('says the service did not answer in time on a timeout', () => {
      const timeout = new TimeoutFailure(undefined, undefined, TimeoutType.START_TO_CLOSE);
      assert.deepEqual(describeFailure(failedActivity(timeout)), {
        message: 'The service did not answer in time. I tried several times; press Retry to try again.',
        kind: 'retryable',
      });
    });

    it('tells the rep to press Retry once a transient failure has used up its retries, instead of promising automatic ones', () => {
      const overloaded = ApplicationFailure.create({ message: 'Claude is overloaded right now; the draft will be retried automatically.', type: 'retryable' });
      assert.deepEqual(describeFailure(failedActivity(overloaded)), {
        message: 'Claude is overloaded right now. I tried several times; press Retry to try again.',
        kind: 'retryable',
      });
      const unavailable = ApplicationFailure.create({ message: 'Gmail is temporarily unavailable; it will be retried automatically.', type: 'retryable' });
      assert.equal(describeFailure(failedActivity(unavailable)).message, 'Gmail is temporarily unavailable. I tried several times; press Retry to try again.');
    });

    it('hides the details of anything else behind a generic sentence', () => {
      assert.deepEqual(describeFailure(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2')), {
        message: 'Something went wrong; an operator has been notified.',
        kind: 'unknown',
      });
    });
  });
});
