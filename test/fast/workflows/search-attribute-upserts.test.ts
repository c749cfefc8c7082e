import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting, type StubbedMeeting } from '../support/stubbed-meeting';

const { EventType } = temporal.api.enums.v1;
const server = 'search-attribute upserts';

/** Each upsert is a visibility write on the Temporal server; each patch marker comes with one. */
async function visibilityWritesOf(meeting: StubbedMeeting): Promise<{ markers: number; upserts: Record<string, string>[] }> {
  const events = (await meeting.handle.fetchHistory()).events ?? [];
  const upserts = events
    .filter((event) => event.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .map((event) => Object.fromEntries(Object.entries(event.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!).map(([name, payload]) => [name, Buffer.from(payload.data!).toString()])));
  const markers = events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch').length;
  return { markers, upserts };
}

describe('meeting workflow (time-skipping): search attributes and patch markers', function () {
  this.timeout(120_000);

  it('a meeting started as the API starts it records no patch marker and upserts its search attributes only when they change', () =>
    withStubbedMeeting({ server }, async (meeting) => {
      await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      const { markers, upserts } = await visibilityWritesOf(meeting);
      assert.equal(markers, 0);
      assert.deepEqual(upserts, [{ MeetingStatus: '"awaiting-rep"', CrmProvider: '"hubspot"' }], 'one upsert: the card became ready, on a HubSpot account');
    }));

  it('a meeting started before the baseline keeps its patch markers and upserts, so its history replays as recorded', () =>
    withStubbedMeeting({ server, startedBeforePatchBaseline: true }, async (meeting) => {
      await waitFor('the prepared card', () => meeting.services.cards.find((shown) => shown.status === 'awaiting-rep'));
      const { markers, upserts } = await visibilityWritesOf(meeting);
      assert.equal(markers, 4, 'trace context, invitations, auto-log rule, quick actions');
      assert.equal(upserts.length, 4 + 3, 'one per patch, the TenantId, the status at start and when ready');
    }));
});
