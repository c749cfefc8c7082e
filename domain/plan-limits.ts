/**
 * What each plan allows per calendar month (UTC): meetings processed, and AI tokens spent on
 * drafting. The only place these numbers live; the API checks meetings before a workflow
 * starts and loadMeeting counts them once the recording exists (db/meeting-usage.ts), the draft
 * activity checks tokens before calling the model.
 */
export type TenantPlan = 'free' | 'team' | 'business';

export interface PlanLimits {
  label: string;
  /** Null: unlimited. */
  meetingsPerMonth: number | null;
  /** Always bounded, so one tenant cannot run up an unbounded model bill (about 20k tokens per meeting). */
  aiTokensPerMonth: number;
}

export const planLimits: Record<TenantPlan, PlanLimits> = {
  free: { label: 'Free', meetingsPerMonth: 30, aiTokensPerMonth: 600_000 },
  team: { label: 'Team', meetingsPerMonth: 500, aiTokensPerMonth: 10_000_000 },
  business: { label: 'Business', meetingsPerMonth: null, aiTokensPerMonth: 100_000_000 },
};

/** A plan name the database holds but this build does not know gets the smallest plan's limits. */
export function limitsOf(plan: string): PlanLimits {
  return Object.hasOwn(planLimits, plan) ? planLimits[plan as TenantPlan] : planLimits.free;
}

export interface UsageMonth {
  /** First day of the month, 'YYYY-MM-01' (the `month` column of meeting_usage). */
  firstDay: string;
  start: Date;
  /** Start of the next month: when the quota resets. */
  end: Date;
  /** 'November' */
  name: string;
  /** 'December 1' */
  resetsOn: string;
}

/** One formatter for every call: `toLocaleString` with options builds a new one each time (~100× the cost), on every meeting's admission. */
const monthNames = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' });

export function usageMonthOf(now: Date): UsageMonth {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { firstDay: start.toISOString().slice(0, 10), start, end, name: monthNames.format(start), resetsOn: `${monthNames.format(end)} 1` };
}
