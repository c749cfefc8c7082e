import { emulatedSalesChannel } from '../../emulators/seed-workspace';
import type { FathomMeeting } from '../../emulators/fathom-sample-meeting';
import { cardActions } from '../../slack/action-ids';
import { statusQuery } from '../../workflows/messages';
import type { MeetingState } from '../../domain/meeting';
import { buttonsOf } from './card';
import type { ProductHarness, SeededTenant } from './product-harness';
import { waitFor } from './wait-for';

export const salesChannel = emulatedSalesChannel;
/** Preparing a meeting (Fathom, drafting, matching, the card) takes seconds, and minutes on a loaded machine. */
const CARD_TIMEOUT_MS = 120_000;

/** Runs `/followup <link>` for a new Fathom meeting and waits until the card offers its actions. */
export async function prepareMeeting(
  harness: ProductHarness,
  seeded: SeededTenant,
  overrides: Partial<FathomMeeting> = {},
  readyButton: string = cardActions.edit,
): Promise<{ recordingId: string; workflowId: string }> {
  const meeting = harness.addFathomMeeting(seeded, overrides);
  const response = await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
  if (response.status !== 200) throw new Error(`/followup answered ${response.status}`);
  const recordingId = String(meeting.recording_id);
  const workflowId = harness.workflowId(seeded, recordingId);
  // This meeting's own card: the channel may hold cards of earlier meetings with the same buttons.
  await waitFor(`the card of ${recordingId}`, async () => {
    const { card } = await meetingState(harness, workflowId).catch(() => ({ card: undefined }));
    const message = card && harness.emulators.slack.messages(card.channel).find((posted) => posted.ts === card.ts);
    return buttonsOf(message).includes(readyButton);
  }, CARD_TIMEOUT_MS);
  return { recordingId, workflowId };
}

export function meetingState(harness: ProductHarness, workflowId: string): Promise<MeetingState> {
  return harness.client.workflow.getHandle(workflowId).query(statusQuery);
}

/** Closing the harness while an update still runs (a search the API stopped waiting for) would cut its Temporal call. */
export async function updatesFinished(harness: ProductHarness, workflowId: string): Promise<void> {
  await waitFor('every update to finish', async () => {
    const { events } = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    const accepted = events?.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes).length ?? 0;
    const completed = events?.filter((event) => event.workflowExecutionUpdateCompletedEventAttributes).length ?? 0;
    return accepted === completed;
  });
}
