import assert from 'node:assert/strict';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { saveHistoryFixture } from '../../support/history-recorder';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';
import { workflowCode } from '../support/time-skipping-stack';

const { EventType } = temporal.api.enums.v1;

const server = 'rate-limit waits';
const minute = 60_000;

describe('meeting workflow (time-skipping): waiting for a rate-limit turn', function () {
  this.timeout(120_000);

  it('prepares the card after more rate-limit deferrals than loading a meeting has attempts, each turn waited out', () =>
    // Loading retries 20 times at most; a burst of meetings on one Fathom account can defer it more often.
    withStubbedMeeting({ server, scenario: { loadDeferrals: 30 } }, async (meeting) => {
      // 30 turns 45 s apart: the clock skips through the timers the workflow waits on.
      await meeting.skipTime(30 * minute);
      const card = await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.equal(card.facts?.title, 'Acme discovery call');
      assert.equal(meeting.services.loadAttempts, 31, 'every deferral came back for its turn, then the meeting loaded');
      assert.deepEqual([...new Set(meeting.services.cards.map((shown) => shown.status))], ['preparing', 'awaiting-rep'], 'no failure reached the rep');
    }));

  it('loads the meeting through a database outage longer than a workflow task, retrying on timers, and the card follows', () =>
    // Loading runs inside the meeting's workflow task; its 8 attempts here back off 0.5 s to 30 s.
    withStubbedMeeting({ server, scenario: { loadFailures: 7 } }, async (meeting) => {
      await meeting.skipTime(3 * minute);
      const card = await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.equal(card.facts?.title, 'Acme discovery call');
      assert.equal(meeting.services.loadAttempts, 8);
      const { events = [] } = await meeting.handle.fetchHistory();
      const workflowTasks = events!.filter((event) => event.workflowTaskCompletedEventAttributes).length;
      assert.ok(workflowTasks < 12, `the retries waited on timers, not in a task kept open by heartbeats (${workflowTasks} workflow tasks)`);
    }));

  it('drafts at the turn loading booked for it, with no deferral on the way', () =>
    // A tenant's burst spent its share of Claude: loading the meeting booked the draft's turn 5 minutes ahead.
    withStubbedMeeting({ server, scenario: { draftTurnInMs: 5 * minute } }, async (meeting) => {
      await meeting.stateWhen('the meeting loaded', (state) => !!state.facts);
      await meeting.skipTime(4 * minute);
      assert.equal(meeting.services.draftsWritten.length, 0, 'the draft waits for its turn');
      assert.equal(meeting.services.lastCard()?.status, 'preparing');
      await meeting.skipTime(2 * minute);
      const card = await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      assert.equal(meeting.services.draftsWritten.length, 1);
      assert.deepEqual(Object.keys(card.facts ?? {}).includes('draftTurnInMs'), false, 'the turn is not part of what the card shows');

      const { events } = await meeting.handle.fetchHistory();
      const scheduled = (type: string) => events!.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === type);
      const timer = events!.findIndex((event) => event.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
      assert.equal(Number(events![timer]!.timerStartedEventAttributes!.startToFireTimeout!.seconds), 300, 'one timer for the booked turn');
      const loaded = events!.findIndex((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      assert.ok(loaded >= 0 && loaded < timer && timer < scheduled('draftFollowUp'), 'loaded (within the first task), waited, then drafted');
      assert.equal(events!.filter((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED).length, 0, 'no draft was sent away');
      if (process.env.RECORD_HISTORIES === '1') {
        const { dataConverter } = await workflowCode();
        await saveHistoryFixture('draft-waited-for-booked-turn', JSON.parse(historyToJSON({ events })), dataConverter.payloadCodecs![0]!);
      }
    }));
});
