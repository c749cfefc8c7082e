import type { KnownBlock } from '@slack/types';
import type { CrmProviderName } from '../domain/crm';
import { incidentActions } from './action-ids';
import { actions, blockKitLimits, button, escapeMrkdwn, section, truncate } from './block-kit';
import { crmLabels } from './settings-labels';

export interface SyncIncidentView {
  id: string;
  provider: CrmProviderName;
  /** The failure's sentence for people (from the CRM client's classification). */
  message: string;
  meetingCount: number;
}

/**
 * The admins' DM about meetings whose CRM note failed for good. The count is the point: one DM
 * per incident, edited as more meetings fail. The message comes from a service: escaped.
 */
export function syncIncidentMessage(incident: SyncIncidentView): { text: string; blocks: KnownBlock[] } {
  const crm = crmLabels[incident.provider];
  const meetings = incident.meetingCount === 1 ? '1 meeting' : `${incident.meetingCount} meetings`;
  const text = truncate(`⚠️ ${crm} sync failing: ${meetings} could not be logged. ${incident.message}`, blockKitLimits.fallbackText);
  return {
    text,
    blocks: [
      section(
        `⚠️ *${crm} sync failing: ${meetings} could not be logged.*\n${escapeMrkdwn(incident.message)}\n` +
          'Fix the connection in the app’s Home tab, then retry them all at once.',
      ),
      actions('sync_incident', [button({ text: 'Retry all', actionId: incidentActions.retryAll, value: incident.id, style: 'primary' })]),
    ],
  };
}
