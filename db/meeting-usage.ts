import type { EntityManager } from '@mikro-orm/postgresql';
import { limitsOf, usageMonthOf } from '../domain/plan-limits';

export type Admission = { admitted: true } | { admitted: false; message: string };

/**
 * Meetings per month per plan. The API only checks before a workflow starts ('check'); the
 * meeting is counted ('count') by loadMeeting once the recording is known to exist, so a
 * /followup of a made-up id costs nothing. A recording already counted is always admitted:
 * a repeated trigger neither counts again nor is refused.
 */
export async function admitMeeting(
  em: EntityManager,
  request: { tenantId: string; plan: string; recordingId: string; now: Date; mode: 'check' | 'count' },
): Promise<Admission> {
  const { tenantId, recordingId } = request;
  const limits = limitsOf(request.plan);
  const month = usageMonthOf(request.now);
  // One count at a time per tenant, so two meetings cannot both take the last one. A check only
  // reads (the count decides), so it waits for no lock: a team's burst of webhooks would otherwise
  // queue on one lock per tenant in the API, past its statement timeout on a busy database.
  if (request.mode === 'count') await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`meeting-quota:${tenantId}`]);
  const counted = await em.execute<{ found: number }[]>('select 1 as found from meeting_usage where tenant_id = ? and recording_id = ?', [tenantId, recordingId]);
  if (counted.length > 0) return { admitted: true };
  if (limits.meetingsPerMonth !== null) {
    const [usage] = await em.execute<{ meetings: number }[]>('select count(*)::int as meetings from meeting_usage where tenant_id = ? and month = ?', [
      tenantId,
      month.firstDay,
    ]);
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
  if (request.mode === 'count') {
    await em.execute('insert into meeting_usage (tenant_id, recording_id, month) values (?, ?, ?)', [tenantId, recordingId, month.firstDay]);
  }
  return { admitted: true };
}
