import type { Orm } from '../../db/orm';
import { admitMeeting, type Admission } from '../../db/meeting-usage';
import { inTenant } from '../../db/tenant-scope';
import type { Tenant } from '../../entities';

/**
 * The plan's meetings per month, checked before a meeting's workflow starts (MeetingGateway
 * calls it for every trigger). Nothing is counted here: loadMeeting counts the meeting once the
 * recording is known to exist (db/meeting-usage.ts).
 */
export class MeetingQuota {
  constructor(
    private readonly orm: Orm,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async admit(tenant: Tenant, recordingId: string): Promise<Admission> {
    return inTenant(this.orm, tenant.id, (em) => admitMeeting(em, { tenantId: tenant.id, plan: tenant.plan, recordingId, now: this.now(), mode: 'check' }));
  }
}
