import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { systemDispatch } from '../domain/task-dispatch';
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
  // Housekeeping across tenants: after every tenant's own work, as one more fair share. SDK 1.24
  // sends a schedule action's priority but leaves it out of the action's options type.
  const action: ScheduleOptionsStartWorkflowAction<typeof purgeExpiredTranscripts> & { priority: Priority } = {
    type: 'startWorkflow',
    workflowType: purgeExpiredTranscripts,
    args: [],
    taskQueue,
    workflowId: scheduleId,
    priority: systemDispatch,
  };
  try {
    await client.schedule.create({
      scheduleId,
      // 03:30 UTC: quiet hours for most workspaces.
      spec: { calendars: [{ hour: 3, minute: 30 }] },
      action,
      // A slow run is not joined by the next one; a day missed during an outage is caught up once.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'existing';
    throw error;
  }
}
