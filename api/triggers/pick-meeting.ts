import type { ModalView } from '@slack/types';
import { ExternalServiceError } from '../../domain/service-errors';
import { createFathomClient } from '../../clients/fathom-client';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import type { MeetingListItem } from '../../domain/meeting';
import { callSlack } from '../../clients/slack-client';
import { inTenant } from '../../db/tenant-scope';
import { User, type Tenant } from '../../entities';
import { meetingPicker } from '../../slack/action-ids';
import { blockKitLimits } from '../../slack/block-kit';
import { loadingPickerView, meetingPickerView, pickerNoticeView } from '../../slack/meeting-picker';
import type { ApiDependencies } from '../http/dependencies';
import { replyEphemeral, slackClientOrExplain } from '../slack/slack-replies';
import type { SlackSubmission, SubmissionAnswer } from '../slack/slack-request';

const lookBackDays = 14;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * `/followup` with no link. Runs after Slack has its answer: opens the modal with a loading
 * note first (the trigger id expires 3 seconds after the command), then lists the rep's Fathom
 * meetings of the last two weeks and replaces the modal with the picker.
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
  let view: ModalView;
  try {
    view = await pickerViewFor(deps, tenant, request.userId);
  } catch (error) {
    deps.logger.error('Could not list meetings for the picker', { tenantId: tenant.id, error });
    view = pickerNoticeView('Something went wrong while loading your meetings. Please close this and try `/followup` again.');
  }
  try {
    // The hash makes Slack refuse the update if the rep already moved on from this view.
    await callSlack(() => slack.views.update({ view_id: viewId, hash: opened.view?.hash, view }));
  } catch (error) {
    deps.logger.info('Meeting picker was not updated (closed by the rep?)', { tenantId: tenant.id, error });
  }
}

async function pickerViewFor(deps: ApiDependencies, tenant: Tenant, slackUserId: string): Promise<ModalView> {
  const user = await inTenant(deps.orm, tenant.id, (em) => em.findOne(User, { slackUserId }));
  const stored = user?.fathomSecretRef ? await deps.secrets.get(user.fathomSecretRef) : null;
  if (!user || !stored) {
    return pickerNoticeView('Your Fathom account is not connected, so I cannot list your meetings. Connect Fathom in the app’s Home tab.');
  }
  let meetings: MeetingListItem[];
  try {
    meetings = await recentFathomMeetings(deps, JSON.parse(stored) as MeetingSourceCredentials);
  } catch (error) {
    if (!(error instanceof ExternalServiceError)) throw error;
    deps.logger.warn('Fathom listing failed for the picker', { tenantId: tenant.id, error });
    if (error.kind === 'reconnect') return pickerNoticeView(`${error.userMessage} (App Home shows your connections.)`);
    return pickerNoticeView('Fathom did not answer just now. Please try `/followup` again in a minute, or paste a meeting link: `/followup <link>`.');
  }
  if (meetings.length === 0) {
    return pickerNoticeView(`You have no Fathom meetings from the last ${lookBackDays} days. To prepare an older one, paste its link: \`/followup <link>\`.`);
  }
  return meetingPickerView(meetings, { lookBackDays, timeZone: user.timeZone });
}

/** The rep's meetings created in the last 14 days, newest first, at most what one select can hold. */
async function recentFathomMeetings(deps: ApiDependencies, credentials: MeetingSourceCredentials): Promise<MeetingListItem[]> {
  const fathom = createFathomClient({ credentials, baseUrl: deps.fathomApiUrl });
  const createdAfter = new Date((deps.now?.() ?? Date.now()) - lookBackDays * dayMs).toISOString();
  const meetings = await fathom.listAllMeetings({ createdAfter, max: blockKitLimits.options });
  return meetings.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
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
