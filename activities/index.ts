/**
 * The meeting workflow's activities, built by one factory from injected clients (the pattern of
 * Temporal's samples), so tests run the same code against emulators.
 */
import { createCrmTaskActivity } from './create-crm-task';
import { createEmailDraftActivity } from './create-email-draft';
import type { ActivityDependencies } from './dependencies';
import { draftFollowUpActivity } from './draft-follow-up';
import { loadMeetingActivity } from './load-meeting';
import { logCrmNoteActivity } from './log-crm-note';
import { matchAccountActivity } from './match-account';
import { nudgeRepActivity } from './nudge-rep';
import { publishCardActivity } from './publish-card';
import { recordAuditActivity } from './record-audit';
import { rememberAccountChoiceActivity } from './remember-account-choice';
import { saveDraftEditsActivity } from './save-draft-edits';
import { scheduleFollowUpActivity } from './schedule-follow-up';
import { updateCrmDealActivity } from './update-crm-deal';
import { toActivityFailure } from './failures';

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
    createCrmTask: createCrmTaskActivity(deps),
    updateCrmDeal: updateCrmDealActivity(deps),
    rememberAccountChoice: rememberAccountChoiceActivity(deps),
    saveDraftEdits: saveDraftEditsActivity(deps),
    nudgeRep: nudgeRepActivity(deps),
    recordAudit: recordAuditActivity(deps),
  };
  return mapFailures(activities);
}

export type MeetingActivities = ReturnType<typeof createActivities>;

/** Every activity reports client errors as Temporal failures with the right retry behaviour. */
function mapFailures<T extends Record<string, (input: never) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => {
      const wrapped = {
        [name]: async (input: never) => {
          try {
            return await activity(input);
          } catch (error) {
            throw toActivityFailure(error);
          }
        },
      }[name]!;
      return [name, wrapped];
    }),
  ) as T;
}
