import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { purgeExpiredTranscripts } from '../workflows';

export const transcriptPurgeScheduleId = 'purge-expired-transcripts';

/**
 * The daily retention purge, as a Temporal Schedule (visible and pausable in the Web UI).
 * Created by every worker at start; an existing schedule is left as operators may have set it.
 */
export async function ensureTranscriptPurgeSchedule(
  client: Client,
  taskQueue: string,
  scheduleId: string = transcriptPurgeScheduleId,
): Promise<'created' | 'existing'> {
  try {
    await client.schedule.create({
      scheduleId,
      // 03:30 UTC: quiet hours for most workspaces.
      spec: { calendars: [{ hour: 3, minute: 30 }] },
      action: { type: 'startWorkflow', workflowType: purgeExpiredTranscripts, args: [], taskQueue, workflowId: scheduleId },
      // A slow run is not joined by the next one; a day missed during an outage is caught up once.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'existing';
    throw error;
  }
}
