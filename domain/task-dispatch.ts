/**
 * How Temporal's task queues order this app's work (task queue priority and fairness). Lower
 * priority keys dispatch first; within one priority, tenants share the workers in proportion to
 * their plan's weight, so one busy workspace cannot hold up everybody else's clicks. The only place
 * these numbers live. `TaskDispatch` has the shape of the Temporal SDK's `Priority`.
 */
import type { TenantPlan } from './plan-limits';

export const priorityKeys = {
  /** A person is waiting on it: a click's action, the card, a picker's search. */
  personWaiting: 1,
  /** A meeting's own steps (its workflow tasks, preparing the follow-up): the card a rep asked for. */
  meeting: 2,
  /** Work nobody watches as it happens: the note logged on its own, the nudge, admins' incident reports. */
  background: 4,
  /** Housekeeping over a tenant's data: the transcript purge, offboarding, deletion. */
  maintenance: 5,
} as const;

/** Each plan's share of the workers when tenants compete: a Business tenant is dispatched four times as often as a Free one. */
export const fairnessWeights: Record<TenantPlan, number> = { free: 1, team: 2, business: 4 };

/** Work that belongs to no tenant (the cross-tenant transcript purge) competes as one more tenant. */
export const systemFairnessKey = 'system';

export interface TaskDispatch {
  priorityKey: number;
  /** The tenant id: each tenant is its own fair share (Temporal allows 64 bytes; a UUID is 36). */
  fairnessKey: string;
  fairnessWeight: number;
}

/** A tenant's workflow: its fair share by plan (an unknown plan gets the smallest), at the given priority. */
export function tenantDispatch(tenant: { id: string; plan: string }, priorityKey: number): TaskDispatch {
  const fairnessWeight = Object.hasOwn(fairnessWeights, tenant.plan) ? fairnessWeights[tenant.plan as TenantPlan] : fairnessWeights.free;
  return { priorityKey, fairnessKey: tenant.id, fairnessWeight };
}

export const systemDispatch: TaskDispatch = { priorityKey: priorityKeys.maintenance, fairnessKey: systemFairnessKey, fairnessWeight: 1 };
