import { appendAudit } from '../db/audit';
import { acrossTenants } from '../db/tenant-scope';
import { defaultTenantSettings, MeetingRecord } from '../entities';
import type { PurgeTranscriptsBatchInput } from '../workflows/data-lifecycle-types';
import type { ActivityDependencies } from './dependencies';

interface ExpiredTranscript {
  id: string;
  tenant_id: string;
  recording_id: string;
  workflow_id: string;
  retention_days: number;
}

/**
 * One batch of the daily retention purge: across all tenants, transcripts stored longer ago than
 * their tenant's retention period are emptied (the meeting row, its facts and draft stay) and
 * each purge gets an audit row in its tenant's log. Rows locked by a concurrent run are skipped.
 */
export function purgeExpiredTranscriptBatchActivity(deps: ActivityDependencies) {
  return async function purgeExpiredTranscriptBatch(input: PurgeTranscriptsBatchInput): Promise<{ purged: number }> {
    const now = deps.now();
    return acrossTenants(deps.maintenanceOrm, async (em) => {
      const expired = await em.execute<ExpiredTranscript[]>(
        `select m.id, m.tenant_id, m.recording_id, m.workflow_id, r.days as retention_days
           from meeting_record m
           join tenant t on t.id = m.tenant_id
           cross join lateral (select coalesce((t.settings->>'transcriptRetentionDays')::int, ?) as days) r
          where m.transcript is not null
            and m.created_at < ?::timestamptz - make_interval(days => r.days)
          order by m.created_at
          limit ?
          for update of m skip locked`,
        [defaultTenantSettings.transcriptRetentionDays, now.toISOString(), input.batchSize],
      );
      if (expired.length === 0) return { purged: 0 };
      await em.nativeUpdate(
        MeetingRecord,
        { id: { $in: expired.map((row) => row.id) } },
        { transcript: null, transcriptDeletedAt: now },
        // Spans tenants on purpose; only the maintenance login's own policies let it through.
        { filters: false },
      );
      for (const row of expired) {
        appendAudit(em, {
          tenantId: row.tenant_id,
          actor: 'system',
          action: 'transcript.purged',
          target: row.recording_id,
          result: 'success',
          workflowId: row.workflow_id,
          detail: { retentionDays: row.retention_days, purgeWorkflowId: input.workflowId },
        });
      }
      return { purged: expired.length };
    });
  };
}
