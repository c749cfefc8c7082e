import type { WebClient } from '@slack/web-api';
import { callSlack } from '../clients/slack-client';
import type { CrmProviderName } from '../domain/crm';
import { recordFailedSync } from '../db/sync-incidents';
import { User, type IncidentNotice, type SyncIncident } from '../entities';
import { syncIncidentMessage } from '../slack/sync-incident-message';
import type { ActivityDependencies } from './dependencies';
import { loadTenant, slackClientFor } from './tenant-services';

export interface ReportFailedSyncInput {
  tenantId: string;
  workflowId: string;
  provider: CrmProviderName;
  /** The failure kind the workflow recorded (reconnect, invalid, …). */
  reason: string;
  message: string;
}

/**
 * Tells the workspace's admins that a meeting's CRM note failed for good: one DM per incident
 * (provider and reason within a window, db/sync-incidents.ts), edited with the new count when
 * more meetings fail. Reporting the same meeting again changes nothing, so a retried attempt
 * repeats no DM.
 */
export function reportFailedSyncActivity(deps: ActivityDependencies) {
  return async function reportFailedSync(input: ReportFailedSyncInput): Promise<void> {
    const failure = { ...input, at: deps.now() };
    await recordFailedSync(deps.orm, failure, async (incident, em) => {
      const admins = await em.find(User, { role: 'admin' }, { orderBy: { createdAt: 'asc' } });
      if (admins.length === 0) return;
      const slack = await slackClientFor(deps, await loadTenant(em, input.tenantId));
      const message = syncIncidentMessage({ id: incident.id, provider: incident.provider, message: incident.message, meetingCount: incident.workflowIds.length });
      const notices: IncidentNotice[] = [];
      for (const admin of admins) {
        const notice = await notifyAdmin(deps, slack, incident, admin.slackUserId, message);
        if (notice) notices.push(notice);
      }
      incident.notices = notices;
    });
  };
}

/**
 * Edits the admin's DM of this incident, or posts it. One admin Slack refuses (deactivated,
 * never opened the app) must not stop the others, nor fail the meeting's report: logged, skipped.
 */
async function notifyAdmin(
  deps: ActivityDependencies,
  slack: WebClient,
  incident: SyncIncident,
  slackUserId: string,
  message: { text: string; blocks: ReturnType<typeof syncIncidentMessage>['blocks'] },
): Promise<IncidentNotice | undefined> {
  const earlier = incident.notices.find((notice) => notice.slackUserId === slackUserId);
  try {
    if (earlier) {
      await callSlack(() => slack.chat.update({ channel: earlier.channel, ts: earlier.ts, ...message }));
      return earlier;
    }
    const posted = await callSlack(() => slack.chat.postMessage({ channel: slackUserId, ...message }));
    return posted.channel && posted.ts ? { slackUserId, channel: posted.channel, ts: posted.ts } : undefined;
  } catch (error) {
    deps.logger.warn('Could not tell an admin about failed CRM syncs', { tenantId: incident.tenantId, slackUserId, error: String(error) });
    return earlier;
  }
}
