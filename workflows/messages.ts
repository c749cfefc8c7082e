/**
 * The meeting workflow's public surface: message definitions, search attributes and the task
 * queue. Shared by the workflow, the worker and the API; it imports nothing but Temporal's
 * definition helpers and types, so it is safe inside the workflow sandbox.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionState,
  Actor,
  ChooseAccountInput,
  CreateTaskInput,
  DismissInput,
  EditTextsInput,
  MeetingState,
  PrepareDealEditorInput,
  RetryInput,
  ScheduleEventInput,
  UpdateDealInput,
} from './meeting-types';

export const meetingTaskQueue = 'meeting-followup';

export function meetingWorkflowId(tenantId: string, recordingId: string): string {
  return `meeting:${tenantId}:${recordingId}`;
}

export const logNoteUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('logNote');
export const createEmailDraftUpdate = defineUpdate<ActionState, [{ actor: Actor }]>('createEmailDraft');
export const scheduleFollowUpUpdate = defineUpdate<ActionState, [ScheduleEventInput]>('scheduleFollowUp');
/** The rep confirms the follow-up event: only now do the attendees get invitations. */
export const sendInvitationsUpdate = defineUpdate<void, [{ actor: Actor }]>('sendInvitations');
export const createTaskUpdate = defineUpdate<ActionState, [CreateTaskInput]>('createTask');
export const updateDealUpdate = defineUpdate<ActionState, [UpdateDealInput]>('updateDeal');
/** The CRM data the deal editor needs comes through the workflow: the API never calls the CRM. */
export const prepareDealEditorUpdate = defineUpdate<void, [PrepareDealEditorInput]>('prepareDealEditor');
export const chooseAccountUpdate = defineUpdate<void, [ChooseAccountInput]>('chooseAccount');
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
