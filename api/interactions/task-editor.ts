import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord, User, type Tenant } from '../../entities';
import { addLocalDays, formatLocalDateTime, isWeekend, parseLocalDateTime, toInstant, toLocalDateTime } from '../../domain/zoned-time';
import { taskModal } from '../../slack/action-ids';
import { renderTaskModal, taskSubjectMaxLength } from '../../slack/task-modal';
import { createTaskUpdate } from '../../workflows/messages';
import { actorFor } from './actors';
import { mayActOn, type CardClick } from './card-actions';
import type { ApiDependencies } from '../http/dependencies';
import { modalOpener } from '../slack/slack-replies';
import type { SlackSubmission, SubmissionAnswer } from '../slack/slack-request';

const { fields } = taskModal;

/** The card's "CRM task" button: the form opens at once, prefilled, in the rep's time zone. */
export async function openTaskModal(deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'slack' | 'now'>, card: CardClick): Promise<void> {
  const { tenant, recordingId } = card;
  // The form only goes to the CRM on submit; refuse before the rep fills it in for nothing.
  if (!(await mayActOn(deps, tenant, recordingId, await actorFor(deps.orm, tenant, card.payload.user.id)))) {
    return card.reply('Only the rep who recorded this meeting (or a workspace admin) can create its CRM task.');
  }
  const meeting = await meetingOf(deps, tenant, recordingId);
  if (!meeting) return card.reply('The follow-up is still being prepared; try again in a moment.');
  const modal = await modalOpener(deps, tenant, card.payload.trigger_id, card.reply);
  await modal?.open(renderTaskModal({ recordingId, meetingTitle: meeting.title, timeZone: meeting.timeZone, defaultDate: nextWeekday(now(deps), meeting.timeZone) }));
}

/**
 * The task form's submit: bad input and the workflow's refusals come back on the field, so the
 * modal and the rep's input stay; success closes only this modal.
 */
export async function submitTask(deps: Pick<ApiDependencies, 'orm' | 'gateway' | 'now'>, submission: SlackSubmission): Promise<SubmissionAnswer> {
  const { tenant, view, payload } = submission;
  const recordingId = view.private_metadata ?? '';
  const values = view.state?.values ?? {};
  const subject = values[fields.subject.block]?.[fields.subject.action]?.value?.trim() ?? '';
  const date = values[fields.dueDate.block]?.[fields.dueDate.action]?.selected_date ?? '';
  const time = values[fields.dueTime.block]?.[fields.dueTime.action]?.selected_time ?? '';
  const contactId = values[fields.contact.block]?.[fields.contact.action]?.selected_option?.value || undefined;
  if (!subject) return fieldError(fields.subject.block, 'The task needs a subject.');
  if (subject.length > taskSubjectMaxLength) return fieldError(fields.subject.block, `Keep the subject under ${taskSubjectMaxLength} characters.`);
  if (!parseLocalDateTime(`${date}T00:00`)) return fieldError(fields.dueDate.block, 'Choose a valid due date.');
  const due = parseLocalDateTime(`${date}T${time}`);
  if (!due) return fieldError(fields.dueTime.block, 'Choose a valid due time.');
  const meeting = await meetingOf(deps, tenant, recordingId);
  if (!meeting) return fieldError(fields.subject.block, 'This meeting is no longer available.');
  if (toInstant(due, meeting.timeZone).getTime() <= now(deps).getTime()) {
    const today = formatLocalDateTime(toLocalDateTime(now(deps), meeting.timeZone)).slice(0, 10);
    const block = date < today ? fields.dueDate.block : fields.dueTime.block;
    return fieldError(block, `That is in the past (${meeting.timeZone} time); choose a later date or time.`);
  }
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  const outcome = await deps.gateway.update(tenant, recordingId, createTaskUpdate, { actor, subject, dueLocalDateTime: formatLocalDateTime(due), contactId });
  if (outcome.status === 'rejected') return fieldError(/due date/i.test(outcome.reason) ? fields.dueDate.block : fields.subject.block, outcome.reason);
  if (outcome.status === 'unavailable') return fieldError(fields.subject.block, 'Could not create the task right now; please submit again in a minute.');
  return '';
}

/** The meeting's title and its rep's time zone: the task is due at the rep's wall-clock time. */
async function meetingOf(deps: Pick<ApiDependencies, 'orm'>, tenant: Tenant, recordingId: string): Promise<{ title: string; timeZone: string } | undefined> {
  return inTenant(deps.orm, tenant.id, async (em) => {
    const record = await em.findOne(MeetingRecord, { recordingId });
    if (!record) return undefined;
    const rep = await em.findOne(User, { slackUserId: record.repSlackUserId });
    return { title: record.title, timeZone: rep?.timeZone ?? 'UTC' };
  });
}

/** YYYY-MM-DD of the first working day after today, in `timeZone`. */
function nextWeekday(instant: Date, timeZone: string): string {
  let day = addLocalDays(toLocalDateTime(instant, timeZone), 1);
  while (isWeekend(day)) day = addLocalDays(day, 1);
  return formatLocalDateTime(day).slice(0, 10);
}

function now(deps: Pick<ApiDependencies, 'now'>): Date {
  return new Date(deps.now ? deps.now() : Date.now());
}

function fieldError(block: string, message: string): SubmissionAnswer {
  return { response_action: 'errors', errors: { [block]: message } };
}
