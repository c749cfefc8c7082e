import assert from 'node:assert/strict';
import {
  chooseAccountUpdate,
  createEmailDraftUpdate,
  crmSyncStatusSearchAttribute,
  logNoteUpdate,
  processAnywayUpdate,
  retrySignal,
  scheduleFollowUpUpdate,
  sendInvitationsUpdate,
  skipInvitationsUpdate,
  statusQuery,
} from '../../../workflows/messages';
import { waitFor } from '../../support/wait-for';
import { acme, acmeEurope, acmeLabs } from '../support/stub-activities';
import { withStubbedMeeting, type StubbedMeeting } from '../support/stubbed-meeting';

const server = 'card actions';

/** The card the rep sees once the follow-up is prepared. */
function preparedCard(meeting: StubbedMeeting) {
  return waitFor('the prepared card', () => meeting.services.cards.find((card) => card.status === 'awaiting-rep'));
}

async function crmSyncStatus(meeting: StubbedMeeting): Promise<string | undefined> {
  const { typedSearchAttributes } = await meeting.handle.describe();
  return typedSearchAttributes.get(crmSyncStatusSearchAttribute);
}

describe('meeting workflow (time-skipping): what the rep does on the card', function () {
  it('publishes the card once the follow-up is drafted and the account matched', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      const card = await preparedCard(meeting);
      assert.equal(card.draftRevision, 1, 'the card carries the drafted follow-up');
      assert.equal(card.account?.chosen?.name, acme.name);
      assert.equal(card.facts?.title, 'Acme discovery call');
      assert.equal(meeting.services.nudges.length, 0, 'no reminder right after the card');
    }));

  it('Log to CRM writes the note to the matched account and the CRM sync shows "synced"', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await preparedCard(meeting);
      const note = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(note.status, 'done');
      assert.equal(note.label, 'Note on Acme Inc');
      assert.deepEqual(meeting.services.notes.map((written) => written.accountId), [acme.id]);
      assert.equal(await crmSyncStatus(meeting), 'synced');
      await waitFor('the card showing the note', () => meeting.services.lastCard()?.actions.note.status === 'done');
    }));

  it('shows a note the CRM is slow to write as in progress on the card, then as logged', () =>
    withStubbedMeeting({ server, scenario: { noteTakesMs: 3000 } }, async (meeting) => {
      await preparedCard(meeting);
      const note = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(note.status, 'done');
      await waitFor('the card showing the note', () => meeting.services.lastCard()?.actions.note.status === 'done');
      const noteStates = meeting.services.cards.map((card) => card.actions.note.status);
      assert.ok(noteStates.includes('pending'), `the card showed the note in progress while the CRM took its time (${noteStates.join(', ')})`);
    }));

  it('shows a note that failed for good as failed, and the Retry button logs it', () =>
    withStubbedMeeting({ server, scenario: { noteRefusals: 1 } }, async (meeting) => {
      await preparedCard(meeting);
      const failed = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(failed.status, 'failed');
      assert.match(failed.failure?.message ?? '', /Reconnect it in App Home/);
      assert.equal(await crmSyncStatus(meeting), 'failed');
      assert.equal(meeting.services.notes.length, 0, 'nothing was written');
      assert.deepEqual(
        meeting.services.failedSyncReports.map(({ provider, reason }) => ({ provider, reason })),
        [{ provider: 'hubspot', reason: 'reconnect' }],
        'the admins are told once, with the provider and reason that group it into an incident',
      );

      await meeting.handle.signal(retrySignal, { by: meeting.rep.slackUserId });
      const state = await meeting.stateWhen('the retried note', (current) => current.actions.note.status === 'done');
      assert.equal(state.actions.note.attempts, 2);
      assert.equal(meeting.services.notes.length, 1);
      assert.equal(await crmSyncStatus(meeting), 'synced');
      assert.ok(
        meeting.services.audit.some((entry) => entry.action === 'action.retry' && entry.actor === meeting.rep.slackUserId),
        'the retry is audited with who asked for it',
      );
    }));

  it('has the audit rows its last attempt could not write (database down) written after the note failed for good', () => {
    const row = (attempt: number) => ({
      tenantId: 'tenant',
      workflowId: 'meeting',
      actor: 'U-rep',
      action: 'crm.note',
      target: 'acct-acme',
      result: 'failure' as const,
      detail: { attempt, reason: 'HubSpot refused' },
      attemptKey: `run:1:${attempt}`,
      occurredAt: '2026-03-02T15:00:00.000Z',
    });
    const rows = [row(1), row(2)];
    return withStubbedMeeting({ server, scenario: { noteRefusals: 1, noteRefusalAuditRows: rows } }, async (meeting) => {
      await preparedCard(meeting);
      const failed = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(failed.status, 'failed', 'the update answers once the rows are handed over');
      assert.equal(meeting.services.lateAuditRows.length, 1);
      assert.deepEqual(meeting.services.lateAuditRows[0]!.rows, rows, 'every row the failure carried, as it carried them');
    });
  });

  it('retries a failed note even when the retry cannot be audited', () =>
    withStubbedMeeting({ server, scenario: { noteRefusals: 1, auditFails: true } }, async (meeting) => {
      await preparedCard(meeting);
      const failed = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(failed.status, 'failed');

      await meeting.handle.signal(retrySignal, { by: meeting.rep.slackUserId });
      const state = await meeting.stateWhen('the retried note', (current) => current.actions.note.status === 'done');
      assert.equal(meeting.services.notes.length, 1, 'the note is written');
      assert.equal(state.status, 'awaiting-rep', 'the meeting goes on');
      await waitFor('the card showing the note', () => meeting.services.lastCard()?.actions.note.status === 'done');
    }));

  it('lets the rep choose among ambiguous accounts, and logs the note to the chosen one', () =>
    withStubbedMeeting({ server, scenario: { account: { verdict: 'ambiguous', candidates: [acmeEurope, acmeLabs] } } }, async (meeting) => {
      const card = await preparedCard(meeting);
      assert.equal(card.account?.verdict, 'ambiguous');
      assert.deepEqual(card.account?.candidates.map((candidate) => candidate.name), [acmeEurope.name, acmeLabs.name]);
      assert.equal(card.account?.chosen, undefined, 'nothing is picked for the rep');

      // The API passes the picker option's label, which shows the domain after the name.
      await meeting.handle.executeUpdate(chooseAccountUpdate, {
        args: [{ actor: meeting.rep, accountId: acmeLabs.id, accountName: `${acmeLabs.name} (${acmeLabs.domain})` }],
      });
      assert.equal((await meeting.handle.query(statusQuery)).account?.chosen?.name, acmeLabs.name, 'the account keeps its own name');
      const note = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(note.status, 'done');
      assert.deepEqual(meeting.services.notes.map((written) => written.accountId), [acmeLabs.id]);
      assert.deepEqual(meeting.services.rememberedAccounts.map((remembered) => remembered.account.id), [acmeLabs.id], 'the choice is remembered');
    }));

  it('keeps the rep’s account choice when it cannot be remembered for later meetings', () =>
    withStubbedMeeting(
      { server, scenario: { account: { verdict: 'ambiguous', candidates: [acmeEurope, acmeLabs] }, rememberFails: true } },
      async (meeting) => {
        await preparedCard(meeting);
        await meeting.handle.executeUpdate(chooseAccountUpdate, {
          args: [{ actor: meeting.rep, accountId: acmeLabs.id, accountName: acmeLabs.name }],
        });
        const note = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
        assert.deepEqual(meeting.services.notes.map((written) => written.accountId), [acmeLabs.id], 'the note goes to the chosen account');
        assert.equal(note.status, 'done');
      },
    ));

  it('holds an internal-only meeting until the rep presses "Process anyway"', () =>
    withStubbedMeeting({ server, scenario: { internalOnly: true } }, async (meeting) => {
      await meeting.stateWhen('the internal-only notice', (state) => state.status === 'skipped-internal');
      assert.equal(meeting.services.draftsWritten.length, 0, 'no follow-up is drafted for an internal meeting');

      await meeting.handle.executeUpdate(processAnywayUpdate, { args: [{ actor: meeting.rep }] });
      const card = await preparedCard(meeting);
      assert.equal(card.draftRevision, 1);
      assert.equal(meeting.services.draftsWritten.length, 1);
    }));

  it('emails the guests once, however often the rep clicks "Send invitations"', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await preparedCard(meeting);
      const actor = { actor: meeting.rep };
      await meeting.handle.executeUpdate(scheduleFollowUpUpdate, { args: [actor] });
      const clicks = await Promise.allSettled([
        meeting.handle.executeUpdate(sendInvitationsUpdate, { args: [actor] }),
        meeting.handle.executeUpdate(sendInvitationsUpdate, { args: [actor] }),
      ]);
      assert.equal(clicks.filter((click) => click.status === 'fulfilled').length, 1, 'one click sends them');
      const refused = clicks.find((click) => click.status === 'rejected');
      assert.match(String(refused?.reason?.cause?.message ?? refused?.reason?.message), /being sent/, 'the other click is told why not');
      assert.equal(meeting.services.invitations.length, 1, 'the guests get one invitation each');
    }));

  it('shows invitations that failed for good on the card, and Retry sends them', () =>
    withStubbedMeeting({ server, scenario: { invitationRefusals: 1 } }, async (meeting) => {
      await preparedCard(meeting);
      const actor = { actor: meeting.rep };
      await meeting.handle.executeUpdate(scheduleFollowUpUpdate, { args: [actor] });
      const failed = await meeting.handle.executeUpdate(sendInvitationsUpdate, { args: [actor] });
      assert.equal(failed.status, 'failed');
      assert.match(failed.failure?.message ?? '', /Reconnect it in App Home/);
      await waitFor('the card showing the failure', () => meeting.services.lastCard()?.status === 'needs-attention');

      await meeting.handle.signal(retrySignal, { by: meeting.rep.slackUserId, action: 'invitations' });
      const state = await meeting.stateWhen('the retried invitations', (current) => current.actions.invitations.status === 'done');
      assert.equal(state.actions.invitations.attempts, 2);
      assert.equal(meeting.services.invitations.length, 1);
    }));

  it('completes once the note, the email draft and the confirmed event are done', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await preparedCard(meeting);
      const actor = { actor: meeting.rep };
      await meeting.handle.executeUpdate(logNoteUpdate, { args: [actor] });
      await meeting.handle.executeUpdate(createEmailDraftUpdate, { args: [actor] });
      await meeting.handle.executeUpdate(scheduleFollowUpUpdate, { args: [actor] });
      assert.equal((await meeting.handle.query(statusQuery)).status, 'awaiting-rep', 'the event counts once its invitations are confirmed');
      await meeting.handle.executeUpdate(sendInvitationsUpdate, { args: [actor] });

      const result = await meeting.result();
      assert.equal(result.status, 'completed');
      assert.equal(meeting.services.drafts.length, 1);
      assert.deepEqual(meeting.services.invitations.map((sent) => sent.eventId), ['calendar-event-1']);
      assert.equal(meeting.services.lastCard()?.status, 'completed', 'the card says it is all done');
    }));

  it('completes without emailing anyone when the rep marks the event "Done, no invitations"', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await preparedCard(meeting);
      const actor = { actor: meeting.rep };
      await meeting.handle.executeUpdate(logNoteUpdate, { args: [actor] });
      await meeting.handle.executeUpdate(createEmailDraftUpdate, { args: [actor] });
      await meeting.handle.executeUpdate(scheduleFollowUpUpdate, { args: [actor] });
      const invitations = await meeting.handle.executeUpdate(skipInvitationsUpdate, { args: [actor] });
      assert.equal(invitations.status, 'dismissed');

      const result = await meeting.result();
      assert.equal(result.status, 'completed');
      assert.equal(meeting.services.invitations.length, 0, 'nobody was emailed');
      assert.equal(meeting.services.events.length, 1, 'the event stays in the calendar');
      assert.equal(meeting.services.lastCard()?.status, 'completed', 'the card says it is all done');
    }));
});
