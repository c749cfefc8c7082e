/**
 * Deletes transcripts older than their tenant's retention period (settings.transcriptRetentionDays),
 * in batches, across tenants. Run daily by a Temporal Schedule (wiring/transcript-purge-schedule.ts);
 * safe to run at any time or twice: a purged transcript is not matched again. It then forgets old
 * delivery ids and idle rate-limit buckets.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { forgetIdleRateLimitBuckets, forgetOldDeliveries, purgeExpiredTranscriptBatch } from './activity-profiles';

const batchSize = 200;

export async function purgeExpiredTranscripts(): Promise<{ purged: number }> {
  const { workflowId } = workflowInfo();
  let purged = 0;
  for (;;) {
    const batch = await purgeExpiredTranscriptBatch({ workflowId, batchSize });
    purged += batch.purged;
    if (batch.purged < batchSize) break;
  }
  await forgetOldDeliveries();
  // A run in flight when this shipped replays without the extra activity.
  if (patched('forget-idle-rate-limits')) await forgetIdleRateLimitBuckets();
  return { purged };
}
