import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../entities';
import { limitsOf, usageMonthOf } from '../domain/plan-limits';

/**
 * Refuses drafting once the tenant's AI tokens this month (summed from the audit log's
 * 'draft.generated' rows) reach its plan's budget. Non-retryable 'limit-reached': the card shows
 * the sentence and a Retry button that works again next month or after an upgrade. Drafts
 * already running may finish, so the overshoot is at most a few drafts.
 */
export async function assertWithinAiTokenBudget(em: EntityManager, tenant: Tenant, now: Date): Promise<void> {
  const limits = limitsOf(tenant.plan);
  const month = usageMonthOf(now);
  const [usage] = await em.execute<{ tokens: string | number }[]>(
    `select coalesce(sum((detail->>'tokensUsed')::bigint), 0) as tokens from audit_log
      where tenant_id = ? and action = 'draft.generated' and created_at >= ? and created_at < ?`,
    [tenant.id, month.start.toISOString(), month.end.toISOString()],
  );
  if (Number(usage?.tokens ?? 0) < limits.aiTokensPerMonth) return;
  throw ApplicationFailure.create({
    type: 'limit-reached',
    nonRetryable: true,
    message:
      `Your workspace has used its AI drafting budget for ${month.name} on the ${limits.label} plan ` +
      `(${limits.aiTokensPerMonth.toLocaleString('en-US')} tokens). Drafting resumes on ${month.resetsOn}; ` +
      'a workspace admin can upgrade the plan to continue sooner.',
  });
}
