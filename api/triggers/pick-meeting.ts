import type { ModalView } from '@slack/types';
import { ExternalServiceError } from '../../domain/service-errors';
import { createFathomClient } from '../../clients/fathom-client';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import type { MeetingListItem } from '../../domain/meeting';
import { callSlack } from '../../clients/slack-client';
import type { Tenant } from '../../entities';
import { meetingPicker } from '../../slack/action-ids';
import { blockKitLimits } from '../../slack/block-kit';
import { loadingPickerView, meetingPickerView, pickerNoticeView, type PickerPage } from '../../slack/meeting-picker';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { refreshRepProfile } from '../slack/rep-profile';
import { replyEphemeral, slackClientForTenant, slackClientOrExplain } from '../slack/slack-replies';
import type { SlackClick, SlackSubmission, SubmissionAnswer } from '../slack/slack-request';

const lookBackDays = 14;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * `/followup` with no link. Runs after Slack has its answer: opens the modal with a loading
 * note first (the trigger id expires 3 seconds after the command), then lists the rep's Fathom
 * meetings of the last two weeks and replaces the modal with the picker; "Older meetings" pages back.
 */
export async function openMeetingPicker(
  deps: ApiDependencies,
  tenant: Tenant,
  request: { userId: string; triggerId: string; responseUrl?: string; channelId?: string },
): Promise<void> {
  const reply = (text: string) => replyEphemeral(deps, tenant, { responseUrl: request.responseUrl, channelId: request.channelId, userId: request.userId }, text);
  const slack = await slackClientOrExplain(deps, tenant, reply);
  if (!slack) return;
  let opened;
  try {
    opened = await callSlack(() => slack.views.open({ trigger_id: request.triggerId, view: loadingPickerView() }));
  } catch (error) {
    deps.logger.warn('Could not open the meeting picker', { tenantId: tenant.id, error });
    return reply('I could not open your meeting list in time. Please run `/followup` again.');
  }
  const viewId = opened.view?.id;
  if (!viewId) return;
  const view = await pickerViewOrNotice(deps, tenant, request.userId, { kind: 'recent', lookBackDays });
  try {
    // The hash makes Slack refuse the update if the rep already moved on from this view.
    await callSlack(() => slack.views.update({ view_id: viewId, hash: opened.view?.hash, view }));
  } catch (error) {
    deps.logger.info('Meeting picker was not updated (closed by the rep?)', { tenantId: tenant.id, error });
  }
}

/** The picker's "Older meetings": after Slack has its answer, lists the meetings created before the oldest one shown. */
export async function showOlderMeetings(deps: ApiDependencies, click: SlackClick): Promise<void> {
  const { tenant, payload } = click;
  const before = click.action.value;
  const shownView = payload.view;
  if (!shownView || !before || Number.isNaN(Date.parse(before))) return;
  afterResponse(click.ctx, deps.logger, 'Listing older meetings', async () => {
    const slack = await slackClientForTenant(deps, tenant);
    if (!slack) return;
    const view = await pickerViewOrNotice(deps, tenant, payload.user.id, { kind: 'older', before: new Date(before).toISOString() });
    try {
      await callSlack(() => slack.views.update({ view_id: shownView.id, hash: shownView.hash, view }));
    } catch (error) {
      deps.logger.info('Meeting picker was not updated (closed by the rep?)', { tenantId: tenant.id, error });
    }
  });
}

async function pickerViewOrNotice(deps: ApiDependencies, tenant: Tenant, slackUserId: string, page: PickerPage): Promise<ModalView> {
  try {
    return await pickerViewFor(deps, tenant, slackUserId, page);
  } catch (error) {
    deps.logger.error('Could not list meetings for the picker', { tenantId: tenant.id, error });
    return pickerNoticeView('Something went wrong while loading your meetings. Please close this and try `/followup` again.');
  }
}

async function pickerViewFor(deps: ApiDependencies, tenant: Tenant, slackUserId: string, page: PickerPage): Promise<ModalView> {
  // The picker lists meetings at the rep's local time: the zone is refreshed first.
  const user = await refreshRepProfile(deps, tenant.id, slackUserId);
  const stored = user?.fathomSecretRef ? await deps.secrets.get(user.fathomSecretRef) : null;
  if (!user || !stored) {
    return pickerNoticeView('Your Fathom account is not connected, so I cannot list your meetings. Connect Fathom in the app’s Home tab.');
  }
  const fathom = createFathomClient({ credentials: JSON.parse(stored) as MeetingSourceCredentials, repEmail: user.email ?? null, baseUrl: deps.fathomApiUrl });
  const windowStart = new Date((deps.now?.() ?? Date.now()) - lookBackDays * dayMs).toISOString();
  let meetings: MeetingListItem[];
  try {
    meetings = await fathom.listAllMeetings({
      ...(page.kind === 'recent' ? { createdAfter: windowStart } : { createdBefore: page.before }),
      max: blockKitLimits.options,
    });
  } catch (error) {
    if (!(error instanceof ExternalServiceError)) throw error;
    deps.logger.warn('Fathom listing failed for the picker', { tenantId: tenant.id, error });
    if (error.kind === 'reconnect') return pickerNoticeView(`${error.userMessage} (App Home shows your connections.)`);
    return pickerNoticeView('Fathom did not answer just now. Please try `/followup` again in a minute, or paste a meeting link: `/followup <link>`.');
  }
  // Fathom pages by creation time: the next page back starts before the oldest one listed here.
  const oldestCreated = meetings.map((meeting) => meeting.createdAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const mayHaveOlder = page.kind === 'recent' || meetings.length >= blockKitLimits.options;
  const olderFrom = mayHaveOlder ? (oldestCreated ?? windowStart) : undefined;
  const newestFirst = [...meetings].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  return meetingPickerView(newestFirst, { page, timeZone: user.timeZone, olderFrom });
}

/** The picker's "Prepare follow-up": starts the chosen meeting's workflow; its card goes to the rep's DM. */
export async function startPickedMeeting(deps: Pick<ApiDependencies, 'gateway' | 'logger'>, submission: SlackSubmission): Promise<SubmissionAnswer> {
  const { tenant, payload } = submission;
  const fieldError = (message: string) => ({ response_action: 'errors', errors: { [meetingPicker.block]: message } });
  const recordingId = submission.view.state?.values[meetingPicker.block]?.[meetingPicker.action]?.selected_option?.value;
  if (!recordingId || !/^\d{1,20}$/.test(recordingId)) return fieldError('Choose one of your meetings.');
  try {
    const started = await deps.gateway.startMeeting(tenant, { recordingId, repSlackUserId: payload.user.id, trigger: 'slack-command' });
    if (started.refusal) return fieldError(started.refusal);
    if (started.alreadyProcessed) return fieldError('This meeting was already processed; its follow-up card is in your DMs or the channel it was posted to.');
    return '';
  } catch (error) {
    deps.logger.error('Could not start meeting workflow from the picker', { tenantId: tenant.id, error });
    return fieldError('I could not start processing right now. Please try again in a minute.');
  }
}
