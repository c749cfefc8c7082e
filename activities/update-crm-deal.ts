import type { ActingFor } from '../domain/meeting';
import type { ActionResult } from './action-result';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { runAudited } from './run-audited';
import { assertActsForProvenActor } from './actor-authority';

export interface UpdateCrmDealInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  dealId: string;
  stageId?: string;
  amount?: number;
  /** Distinguishes successive updates of the same meeting in the audit log. */
  idempotencySuffix: string;
}

/** Changes only what the rep changed on the deal; setting the same values again is harmless. */
export function updateCrmDealActivity(deps: ActivityDependencies) {
  return async function updateCrmDeal(input: UpdateCrmDealInput): Promise<ActionResult> {
    await assertActsForProvenActor(deps, input, 'crm.deal');
    return runAudited(
      deps,
      { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: `crm.deal.${input.idempotencySuffix}`, target: input.dealId },
      () =>
        withCrm(deps, input.tenantId, async (provider) => {
          const deal = await provider.updateDeal({ dealId: input.dealId, stageId: input.stageId, amount: input.amount });
          const amount = deal.amount === null ? '' : `, ${deal.amount}${deal.currency ? ` ${deal.currency}` : ''}`;
          return { externalId: deal.id, url: deal.url, label: `${deal.name}: ${deal.stageLabel ?? deal.stageId}${amount}` };
        }),
    );
  };
}
