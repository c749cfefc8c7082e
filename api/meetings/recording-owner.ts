import type { Orm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord, type Tenant } from '../../entities';

/**
 * Whether `slackUserId` may start the follow-up of a recording: yes when it is not stored yet
 * (the rep's own Fathom access decides then) or is stored as theirs. A recording is prepared
 * for one rep only; another member must not take its draft, CRM note and card.
 */
export async function mayClaimRecording(orm: Orm, tenant: Tenant, recordingId: string, slackUserId: string): Promise<boolean> {
  const stored = await inTenant(orm, tenant.id, (em) => em.findOne(MeetingRecord, { recordingId }, { fields: ['repSlackUserId'] }));
  return !stored || stored.repSlackUserId === slackUserId;
}
