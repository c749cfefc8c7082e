/**
 * Deletes transcripts older than their tenant's retention period (settings.transcriptRetentionDays),
 * in batches, across tenants. Run daily by a Temporal Schedule (wiring/transcript-purge-schedule.ts);
 * safe to run at any time or twice: a purged transcript is not matched again.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MeetingActivities } from '../activities';
import { activityProfiles } from './activity-profiles';

const database = proxyActivities<MeetingActivities>(activityProfiles.database);
const batchSize = 200;

export async function purgeExpiredTranscripts(): Promise<{ purged: number }> {
  const { workflowId } = workflowInfo();
  let purged = 0;
  for (;;) {
    const batch = await database.purgeExpiredTranscriptBatch({ workflowId, batchSize });
    purged += batch.purged;
    if (batch.purged < batchSize) break;
  }
  await database.forgetOldDeliveries();
  return { purged };
}
