import type { KnownBlock, ModalView, SectionBlock } from '@slack/types';
import type { CrmDeal, CrmDealStage } from '../domain/crm';
import { dealModal } from './action-ids';
import { blockKitLimits, context, escapeMrkdwn, mrkdwnLink, option, plainText, section } from './block-kit';

/** What the form showed, so the submission sends only what the rep changed. */
export interface DealEditorMetadata {
  recordingId: string;
  dealId: string;
  stageId: string;
  amount: number | null;
}

const title = plainText('Deal', 24);

/** Opened at once on the click (the trigger id lives 3 seconds); the workflow fills it in. */
export function dealLoadingView(recordingId: string): ModalView {
  return {
    type: 'modal',
    callback_id: dealModal.callback,
    private_metadata: JSON.stringify({ recordingId }),
    title,
    close: plainText('Cancel', 24),
    blocks: [section('⏳ Loading the open deal…')],
  };
}

/** A view with no form: there is nothing to submit, only to read. */
export function dealNoticeView(text: string): ModalView {
  return { type: 'modal', callback_id: dealModal.callback, title, close: plainText('Close', 24), blocks: [section(text)] };
}

/**
 * The deal editor: the most recently updated open deal (or the one the rep picked), its stage
 * among the CRM's real stages of that pipeline, and its amount. A stage the list does not know
 * is never replaced by a default: the select then starts empty and the stage stays as it is.
 */
export function renderDealModal(options: {
  recordingId: string;
  accountName?: string;
  deals: CrmDeal[];
  stages: CrmDealStage[];
  selectedDealId?: string;
}): ModalView {
  const deals = newestFirst(options.deals);
  const deal = deals.find((candidate) => candidate.id === options.selectedDealId) ?? deals[0];
  if (!deal) {
    const where = options.accountName ? ` on *${escapeMrkdwn(options.accountName)}*` : '';
    return dealNoticeView(`There is no open deal${where} in your CRM, so there is nothing to update here.`);
  }
  const metadata: DealEditorMetadata = { recordingId: options.recordingId, dealId: deal.id, stageId: deal.stageId, amount: deal.amount };
  const stages = options.stages.filter((stage) => !deal.pipelineId || stage.pipelineId === deal.pipelineId).slice(0, blockKitLimits.options);
  const stageOptions = stages.map((stage) => option(stage.label, stage.id));
  const currentStage = stageOptions.find((candidate) => candidate.value === deal.stageId);
  const blocks: KnownBlock[] = [dealHeader(deal, deals)];
  blocks.push({
    type: 'input',
    block_id: `${dealModal.fields.stage.block}:${deal.id}`,
    optional: !currentStage,
    label: plainText('Stage', 2000),
    element: {
      type: 'static_select',
      action_id: dealModal.fields.stage.action,
      placeholder: plainText('Choose a stage', 150),
      options: stageOptions,
      ...(currentStage ? { initial_option: currentStage } : {}),
    },
  });
  if (!currentStage) {
    const shown = deal.stageLabel ?? deal.stageId;
    blocks.push(context([`The current stage (${escapeMrkdwn(shown || 'none')}) is not in this list; leave the stage empty to keep it.`]));
  }
  blocks.push({
    type: 'input',
    block_id: `${dealModal.fields.amount.block}:${deal.id}`,
    optional: true,
    label: plainText(deal.currency ? `Amount (${deal.currency})` : 'Amount', 2000),
    element: {
      type: 'number_input',
      action_id: dealModal.fields.amount.action,
      is_decimal_allowed: true,
      min_value: '0',
      ...(deal.amount === null ? {} : { initial_value: String(deal.amount) }),
    },
  });
  blocks.push(context(['Only the fields you change are sent to your CRM.']));
  return {
    type: 'modal',
    callback_id: dealModal.callback,
    private_metadata: JSON.stringify(metadata),
    title,
    submit: plainText('Save', 24),
    close: plainText('Cancel', 24),
    blocks,
  };
}

/** Reads what `renderDealModal` stored; undefined for the loading or notice views. */
export function parseDealEditorMetadata(raw: string | undefined): DealEditorMetadata | undefined {
  try {
    const value = JSON.parse(raw ?? '') as Partial<DealEditorMetadata>;
    if (typeof value.recordingId !== 'string' || typeof value.dealId !== 'string' || typeof value.stageId !== 'string') return undefined;
    return { recordingId: value.recordingId, dealId: value.dealId, stageId: value.stageId, amount: typeof value.amount === 'number' ? value.amount : null };
  } catch {
    return undefined;
  }
}

/** The recording id any deal view carries, loading view included. */
export function dealViewRecordingId(raw: string | undefined): string | undefined {
  try {
    const value = JSON.parse(raw ?? '') as { recordingId?: unknown };
    return typeof value.recordingId === 'string' ? value.recordingId : undefined;
  } catch {
    return undefined;
  }
}

function dealHeader(deal: CrmDeal, deals: CrmDeal[]): SectionBlock {
  const name = mrkdwnLink(deal.url, escapeMrkdwn(deal.name));
  if (deals.length === 1) return section(`*${name}*`);
  const dealOptions = deals.slice(0, blockKitLimits.options).map((candidate) => option(candidate.name, candidate.id));
  return section(`*${name}*\n${deals.length} open deals on this account; pick another to edit it.`, {
    type: 'static_select',
    action_id: dealModal.dealSelect,
    options: dealOptions,
    initial_option: dealOptions.find((candidate) => candidate.value === deal.id),
  });
}

/** Deals without a modification time keep the CRM's order, after the dated ones. */
function newestFirst(deals: CrmDeal[]): CrmDeal[] {
  return [...deals].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
}
