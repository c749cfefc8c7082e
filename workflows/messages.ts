/**
 * The meeting workflow's public surface: message definitions, search attributes and the task
 * queue. Shared by the workflow, the worker and the API; it imports nothing but Temporal's
 * definition helpers and types, so it is safe inside the workflow sandbox.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionKind, ActionState, Actor, MeetingState } from '../domain/meeting';

export const meetingTaskQueue = 'meeting-followup';

export function meetingWorkflowId(tenantId: string, recordingId: string): string {
  return `meeting:${tenantId}:${recordingId}`;
}

export const logNoteUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('logNote');
export const createEmailDraftUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('createEmailDraft');
export const scheduleFollowUpUpdate = defineUpdate<ActionState, [ScheduleEventInput]>('scheduleFollowUp');
/** The rep confirms the follow-up event: only now do the attendees get invitations. */
export const sendInvitationsUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('sendInvitations');
/** The rep keeps the follow-up event without emailing anyone: the event counts as settled. */
export const skipInvitationsUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('skipInvitations');
export const createTaskUpdate = defineUpdate<ActionState, [CreateTaskInput]>('createTask');
export const updateDealUpdate = defineUpdate<ActionState, [UpdateDealInput]>('updateDeal');
/** The CRM data the deal editor needs comes through the workflow: the API never calls the CRM. */
export const prepareDealEditorUpdate = defineUpdate<void, [PrepareDealEditorInput]>('prepareDealEditor');
export const chooseAccountUpdate = defineUpdate<void, [ChooseAccountInput]>('chooseAccount');
/** What the rep types in the card's account search and the task form's contact picker: the CRM is searched by the workflow. */
export const searchAccountsUpdate = defineUpdate<FoundCrmRecord[], [CrmSearchInput]>('searchAccounts');
export const searchContactsUpdate = defineUpdate<FoundCrmRecord[], [CrmSearchInput]>('searchContacts');
export const editTextsUpdate = defineUpdate<number, [EditTextsInput]>('editTexts');
export const dismissUpdate = defineUpdate<void, [DismissInput]>('dismiss');
export const processAnywayUpdate = defineUpdate<void, [{ actor: Actor }]>('processAnyway');

/**
 * Re-runs failed actions. A signal (not an update) so an operator can send it from the
 * Temporal Web UI or `temporal workflow signal`, also in batch by search-attribute query.
 */
export const retrySignal = defineSignal<[RetryInput?]>('retry');
/** Closes the workflow cleanly when the tenant uninstalls the app. */
export const cancelMeetingSignal = defineSignal<[{ reason: string }]>('cancel');

export const statusQuery = defineQuery<MeetingState>('status');

export const tenantIdSearchAttribute = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const meetingStatusSearchAttribute = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const crmSyncStatusSearchAttribute = defineSearchAttributeKey('CrmSyncStatus', SearchAttributeType.KEYWORD);
export const crmProviderSearchAttribute = defineSearchAttributeKey('CrmProvider', SearchAttributeType.KEYWORD);

export const meetingSearchAttributes = [
  tenantIdSearchAttribute,
  meetingStatusSearchAttribute,
  crmSyncStatusSearchAttribute,
  crmProviderSearchAttribute,
];

/**
 * What a meeting starts with, set by whoever starts it (the API): the workflow's first task then
 * upserts nothing. Starting with MeetingStatus set also starts the run on the patch baseline
 * (workflows/patch-baseline.ts).
 */
export function meetingStartSearchAttributes(tenantId: string): SearchAttributePair[] {
  return [
    { key: tenantIdSearchAttribute, value: tenantId },
    { key: meetingStatusSearchAttribute, value: 'preparing' },
    { key: crmSyncStatusSearchAttribute, value: 'not-started' },
  ];
}

export interface MeetingWorkflowInput {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  /** Channel the /followup command came from; the rep's DM when absent. */
  channelId?: string;
  /**
   * The /followup command's response_url (Slack accepts it for 30 minutes, without a token): how
   * the rep still hears of a card Slack refuses, even with the app's token revoked.
   */
  responseUrl?: string;
  /** Process even when every attendee is internal. */
  force?: boolean;
  trigger: 'fathom-webhook' | 'slack-command' | 'operator';
  /** Per-tenant timing, copied at start so a settings change does not alter running replays. */
  nudgeAfterMs: number;
  expireAfterMs: number;
  autoLogWhenConfident: boolean;
  offeredActions: ActionKind[];
}

export interface EditTextsInput {
  actor: Actor;
  summary?: string;
  emailSubject?: string;
  emailBody?: string;
  crmNote?: string;
}

export interface ChooseAccountInput {
  actor: Actor;
  accountId: string;
  accountName: string;
  accountUrl?: string;
}

export interface CrmSearchInput {
  actor: Actor;
  /** What the rep has typed so far. */
  query: string;
}

/** An account or contact as a picker lists it. */
export interface FoundCrmRecord {
  id: string;
  name: string;
}

export interface ScheduleEventInput {
  actor: Actor;
  /** Overrides the date understood from the meeting (local, in the rep's time zone). */
  localDateTime?: string;
}

export interface CreateTaskInput {
  actor: Actor;
  subject: string;
  /** Local date-time in the rep's time zone, e.g. 2026-12-03T09:00. */
  dueLocalDateTime: string;
  contactId?: string;
}

export interface UpdateDealInput {
  actor: Actor;
  dealId: string;
  stageId?: string;
  amount?: number;
}

/** Fills the deal editor the API opened (view id) with the account's open deals and the CRM's stages. */
export interface PrepareDealEditorInput {
  actor: Actor;
  viewId: string;
  /** The deal the rep picked in the editor; the most recently updated one when absent. */
  dealId?: string;
}

export interface DismissInput {
  actor: Actor;
  /** One action, or the whole meeting when absent. */
  action?: ActionKind;
}

export interface RetryInput {
  /** Slack user id, or 'operator' when sent from the Web UI / CLI. */
  by?: string;
  action?: ActionKind;
}
