/**
 * Negative control for the replay test: the real workflow behind one extra timer, the kind of
 * change that breaks running meetings unless guarded with patched(). Replay must reject it.
 */
import { sleep } from '@temporalio/workflow';
import type { MeetingWorkflowInput } from '../../workflows/messages';
import { meetingFollowUp as currentMeetingFollowUp } from '../../workflows/meeting-follow-up';

export async function meetingFollowUp(input: MeetingWorkflowInput): ReturnType<typeof currentMeetingFollowUp> {
  await sleep(1);
  return currentMeetingFollowUp(input);
}
