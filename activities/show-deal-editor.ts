import type { ModalView } from '@slack/types';
import { ApplicationFailure } from '@temporalio/common';
import type { CrmDeal, CrmDealStage } from '../domain/crm';
import { ExternalServiceError } from '../domain/service-errors';
import { callSlack } from '../clients/slack-client';
import { inTenant } from '../db/tenant-scope';
import { dealNoticeView, renderDealModal } from '../slack/deal-modal';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { whileHeartbeating } from './heartbeat';
import { loadTenant, slackClientFor } from './tenant-services';

export interface ShowDealEditorInput {
  tenantId: string;
  workflowId: string;
  recordingId: string;
  accountId: string;
  accountName?: string;
  /** The modal the API opened with a loading note. */
  viewId: string;
  dealId?: string;
}

/**
 * Replaces the deal modal's loading note with the account's open deal and the CRM's real stages.
 * A CRM problem that retrying cannot fix is shown in the modal instead of leaving it loading.
 */
export function showDealEditorActivity(deps: ActivityDependencies) {
  return async function showDealEditor(input: ShowDealEditorInput): Promise<void> {
    await whileHeartbeating(async () => {
      const view = await editorView(deps, input);
      const tenant = await inTenant(deps.orm, input.tenantId, (em) => loadTenant(em, input.tenantId));
      const slack = await slackClientFor(deps, tenant);
      await callSlack(() => slack.views.update({ view_id: input.viewId, view }));
    });
  };
}

async function editorView(deps: ActivityDependencies, input: ShowDealEditorInput): Promise<ModalView> {
  let deals: CrmDeal[];
  let stages: CrmDealStage[];
  try {
    [deals, stages] = await withCrm(deps, input.tenantId, (provider) =>
      Promise.all([provider.listDeals(input.accountId, { openOnly: true }), provider.listDealStages()]),
    );
  } catch (error) {
    if (error instanceof ExternalServiceError && error.kind !== 'retryable') return dealNoticeView(`⚠️ ${error.userMessage}`);
    if (error instanceof ApplicationFailure && error.nonRetryable) return dealNoticeView(`⚠️ ${error.message}`);
    throw error;
  }
  return renderDealModal({ recordingId: input.recordingId, accountName: input.accountName, deals, stages, selectedDealId: input.dealId });
}
