import { emulatedSalesChannel } from '../../emulators/seed-workspace';
import type { FathomMeeting } from '../../emulators/fathom-sample-meeting';
import { cardActions } from '../../slack/action-ids';
import { statusQuery } from '../../workflows/messages';
import type { MeetingState } from '../../domain/meeting';
import { cardButtons } from './card';
import type { ProductHarness, SeededTenant } from './product-harness';
import { waitFor } from './wait-for';

export const salesChannel = emulatedSalesChannel;

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
  await waitFor(`the card of ${recordingId}`, () => cardButtons(harness.emulators.slack, salesChannel).includes(readyButton));
  return { recordingId, workflowId: harness.workflowId(seeded, recordingId) };
}

export function meetingState(harness: ProductHarness, workflowId: string): Promise<MeetingState> {
  return harness.client.workflow.getHandle(workflowId).query(statusQuery);
}
