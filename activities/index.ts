/**
 * The worker's activities (meeting follow-up and tenant offboarding), built by one factory from
 * injected clients (the pattern of Temporal's samples), so tests run the same code against emulators.
 */
import { closeTenantMeetingsActivity } from './close-tenant-meetings';
import { createCrmTaskActivity } from './create-crm-task';
import { createEmailDraftActivity } from './create-email-draft';
import { deactivateTenantActivity } from './deactivate-tenant';
import { deleteTenantRowsActivity, deleteTenantSecretsActivity, markTenantDeletedActivity } from './delete-tenant';
import type { ActivityDependencies } from './dependencies';
import { draftFollowUpActivity } from './draft-follow-up';
import { forgetIdleRateLimitsActivity } from './forget-idle-rate-limits';
import { forgetOldDeliveriesActivity } from './forget-old-deliveries';
import { loadMeetingActivity } from './load-meeting';
import { logCrmNoteActivity } from './log-crm-note';
import { matchAccountActivity } from './match-account';
import { nudgeRepActivity } from './nudge-rep';
import { publishCardActivity } from './publish-card';
import { purgeExpiredTranscriptBatchActivity } from './purge-expired-transcripts';
import { recordAuditActivity } from './record-audit';
import { recordUnwrittenAttemptAuditsActivity } from './record-unwritten-attempt-audits';
import { rememberAccountChoiceActivity } from './remember-account-choice';
import { removeTenantCredentialsActivity } from './remove-tenant-credentials';
import { reportFailedSyncActivity } from './report-failed-sync';
import { reportUndeliveredCardActivity } from './report-undelivered-card';
import { saveDraftEditsActivity } from './save-draft-edits';
import { scheduleFollowUpActivity } from './schedule-follow-up';
import { searchCrmAccountsActivity } from './search-crm-accounts';
import { searchCrmContactsActivity } from './search-crm-contacts';
import { sendEventInvitationsActivity } from './send-event-invitations';
import { showDealEditorActivity } from './show-deal-editor';
import { updateCrmDealActivity } from './update-crm-deal';
import { logExpectedFailure, toActivityFailure } from './failures';

export type { ActionResult } from './action-result';
export type { ActivityDependencies } from './dependencies';

export function createActivities(deps: ActivityDependencies) {
  const activities = {
    loadMeeting: loadMeetingActivity(deps),
    draftFollowUp: draftFollowUpActivity(deps),
    matchAccount: matchAccountActivity(deps),
    publishCard: publishCardActivity(deps),
    logCrmNote: logCrmNoteActivity(deps),
    createEmailDraft: createEmailDraftActivity(deps),
    scheduleFollowUp: scheduleFollowUpActivity(deps),
    sendEventInvitations: sendEventInvitationsActivity(deps),
    createCrmTask: createCrmTaskActivity(deps),
    updateCrmDeal: updateCrmDealActivity(deps),
    showDealEditor: showDealEditorActivity(deps),
    searchCrmAccounts: searchCrmAccountsActivity(deps),
    searchCrmContacts: searchCrmContactsActivity(deps),
    rememberAccountChoice: rememberAccountChoiceActivity(deps),
    saveDraftEdits: saveDraftEditsActivity(deps),
    nudgeRep: nudgeRepActivity(deps),
    recordAudit: recordAuditActivity(deps),
    recordUnwrittenAttemptAudits: recordUnwrittenAttemptAuditsActivity(deps),
    reportFailedSync: reportFailedSyncActivity(deps),
    reportUndeliveredCard: reportUndeliveredCardActivity(deps),
    forgetOldDeliveries: forgetOldDeliveriesActivity(deps),
    forgetIdleRateLimitBuckets: forgetIdleRateLimitsActivity(deps),
    deactivateTenant: deactivateTenantActivity(deps),
    closeTenantMeetings: closeTenantMeetingsActivity(deps),
    removeTenantCredentials: removeTenantCredentialsActivity(deps),
    purgeExpiredTranscriptBatch: purgeExpiredTranscriptBatchActivity(deps),
    markTenantDeleted: markTenantDeletedActivity(deps),
    deleteTenantSecrets: deleteTenantSecretsActivity(deps),
    deleteTenantRows: deleteTenantRowsActivity(deps),
  };
  return mapFailures(deps, activities);
}

export type MeetingActivities = ReturnType<typeof createActivities>;

/**
 * Every activity reports client errors as Temporal failures with the right retry behaviour, and
 * an expected one (an outside service refusing) as one log line.
 */
function mapFailures<T extends Record<string, (input: never) => Promise<unknown>>>(deps: ActivityDependencies, activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => {
      const wrapped = {
        [name]: async (input: never) => {
          try {
            return await activity(input);
          } catch (error) {
            const failure = toActivityFailure(error);
            logExpectedFailure(deps.logger, failure);
            throw failure;
          }
        },
      }[name]!;
      return [name, wrapped];
    }),
  ) as T;
}
