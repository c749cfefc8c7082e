import type { Orm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import type { Tenant } from '../../entities';
import { limitsOf, usageMonthOf } from '../../domain/plan-limits';

export type Admission = { admitted: true } | { admitted: false; message: string };

/**
 * Meetings per month per plan, checked before a meeting's workflow starts (MeetingGateway
 * calls it for every trigger). A meeting is counted once, when first admitted: a repeated
 * /followup or a redelivered webhook for the same recording neither counts again nor is refused.
 */
export class MeetingQuota {
  constructor(
    private readonly orm: Orm,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async admit(tenant: Tenant, recordingId: string): Promise<Admission> {
    const limits = limitsOf(tenant.plan);
    const month = usageMonthOf(this.now());
    return inTenant(this.orm, tenant.id, async (em) => {
      // One admission at a time per tenant, so two triggers cannot both take the last meeting.
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`meeting-quota:${tenant.id}`]);
      const counted = await em.execute<{ found: number }[]>('select 1 as found from meeting_usage where tenant_id = ? and recording_id = ?', [
        tenant.id,
        recordingId,
      ]);
      if (counted.length > 0) return { admitted: true };
      if (limits.meetingsPerMonth !== null) {
        const [usage] = await em.execute<{ meetings: number }[]>(
          'select count(*)::int as meetings from meeting_usage where tenant_id = ? and month = ?',
          [tenant.id, month.firstDay],
        );
        if ((usage?.meetings ?? 0) >= limits.meetingsPerMonth) {
          return {
            admitted: false,
            message:
              `Your workspace has used its ${limits.meetingsPerMonth} meetings for ${month.name} on the ${limits.label} plan, ` +
              `so I did not process this one. New meetings can be processed again from ${month.resetsOn}; ` +
              'a workspace admin can upgrade the plan to raise the limit.',
          };
        }
      }
      await em.execute('insert into meeting_usage (tenant_id, recording_id, month) values (?, ?, ?)', [tenant.id, recordingId, month.firstDay]);
      return { admitted: true };
    });
  }
}
