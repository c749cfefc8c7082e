import type { Context } from 'koa';
import type { Tenant } from '../../entities';
import type { Logger } from '../../runtime/logger';
import {
  cardActions,
  connectActions,
  connectModals,
  dealModal,
  disconnectActions,
  homeActions,
  incidentActions,
  meetingPicker,
  modalCallbacks,
  settingsModal,
  taskModal,
} from '../../slack/action-ids';
import {
  createEmailDraftUpdate,
  dismissUpdate,
  logNoteUpdate,
  processAnywayUpdate,
  scheduleFollowUpUpdate,
  sendInvitationsUpdate,
  skipInvitationsUpdate,
} from '../../workflows/messages';
import type { OptionsAnswer } from '../../slack/crm-search-options';
import { chooseAccount, onCard, openEditModal, requestUpdate, retryAction, submitEditedTexts } from './card-actions';
import { suggestAccounts, suggestContacts } from './crm-search';
import { openDealEditor, submitDeal, switchEditedDeal } from './deal-editor';
import { disconnect, openKeyModal, submitCronoKeys, submitFathomKey } from './home-connections';
import { republishingHome } from './publish-app-home';
import { openSettingsModal, submitSettings } from './settings-editor';
import { retryAllFailedSyncs } from './sync-incident-actions';
import { openTaskModal, submitTask } from './task-editor';
import type { ApiDependencies } from '../http/dependencies';
import { TenantRateLimit } from '../http/tenant-rate-limit';
import type { SlackInteraction } from '../slack/slack-payload';
import type { SlackClick, SlackRequestState, SlackSubmission, SlackSuggestion, SubmissionAnswer } from '../slack/slack-request';
import { showOlderMeetings, startPickedMeeting } from '../triggers/pick-meeting';

export type ClickHandler = (click: SlackClick) => Promise<void>;
export type SubmissionHandler = (submission: SlackSubmission) => Promise<SubmissionAnswer>;
export type SuggestionHandler = (suggestion: SlackSuggestion) => Promise<OptionsAnswer>;

/**
 * Who handles what Slack sends to /slack/interactions: one handler per block action's action_id,
 * per modal's callback_id and per external select's action_id (its options load). No view asks
 * for view_closed, so that has no handler; like any unknown id it is answered.
 */
export interface InteractionRegistry {
  clicks: ReadonlyMap<string, ClickHandler>;
  submissions: ReadonlyMap<string, SubmissionHandler>;
  suggestions: ReadonlyMap<string, SuggestionHandler>;
}

/**
 * CRM searches per workspace: 3 a second, enough for typing yet under the CRMs' own search limits
 * (HubSpot about 4 a second, Pipedrive 10 per 2 seconds), which the account matcher shares.
 */
const crmSearchRateLimit = { requests: 6, windowMs: 2_000 };

/** The longest id worth logging: Slack's own limit for action and callback ids. */
const loggedIdLength = 255;

/** Link buttons (OAuth Connect, Reinstall): the browser does the work, the click only needs its acknowledgement. */
const acknowledgeOnly: ClickHandler = async () => {};

export function interactionRegistry(deps: ApiDependencies): InteractionRegistry {
  const card = (handle: Parameters<typeof onCard>[1]) => onCard(deps, handle);
  const crmSearches = new TenantRateLimit(crmSearchRateLimit, deps.now);
  return {
    clicks: oneHandlerEach<ClickHandler>([
      [cardActions.logNote, card((click) => requestUpdate(deps, click, logNoteUpdate))],
      [cardActions.createDraft, card((click) => requestUpdate(deps, click, createEmailDraftUpdate))],
      [cardActions.scheduleEvent, card((click) => requestUpdate(deps, click, scheduleFollowUpUpdate))],
      [cardActions.sendInvitations, card((click) => requestUpdate(deps, click, sendInvitationsUpdate))],
      [cardActions.skipInvitations, card((click) => requestUpdate(deps, click, skipInvitationsUpdate))],
      [cardActions.dismiss, card((click) => requestUpdate(deps, click, dismissUpdate))],
      [cardActions.processAnyway, card((click) => requestUpdate(deps, click, processAnywayUpdate))],
      [cardActions.chooseAccount, card((click) => chooseAccount(deps, click))],
      [cardActions.searchAccount, card((click) => chooseAccount(deps, click))],
      [cardActions.retry, card((click) => retryAction(deps, click))],
      [cardActions.edit, card((click) => openEditModal(deps, click))],
      [cardActions.openTask, card((click) => openTaskModal(deps, click))],
      [cardActions.openDeal, card((click) => openDealEditor(deps, click))],
      [dealModal.dealSelect, (click) => switchEditedDeal(deps, click)],
      [meetingPicker.older, (click) => showOlderMeetings(deps, click)],
      [homeActions.editSettings, (click) => openSettingsModal(deps, click)],
      [incidentActions.retryAll, (click) => retryAllFailedSyncs(deps, click)],
      [homeActions.reinstall, acknowledgeOnly],
      [connectActions.fathom, (click) => openKeyModal(deps, click, 'fathom')],
      [connectActions.crono, (click) => openKeyModal(deps, click, 'crono')],
      [connectActions.google, acknowledgeOnly],
      [connectActions.hubspot, acknowledgeOnly],
      [connectActions.salesforce, acknowledgeOnly],
      [connectActions.pipedrive, acknowledgeOnly],
      [disconnectActions.fathom, republishingHome(deps, (click: SlackClick) => disconnect(deps, click, 'fathom'))],
      [disconnectActions.google, republishingHome(deps, (click: SlackClick) => disconnect(deps, click, 'google'))],
      [disconnectActions.crm, republishingHome(deps, (click: SlackClick) => disconnect(deps, click, 'crm'))],
    ]),
    submissions: oneHandlerEach<SubmissionHandler>([
      [modalCallbacks.editTexts, (submission) => submitEditedTexts(deps, submission)],
      [taskModal.callback, (submission) => submitTask(deps, submission)],
      [dealModal.callback, (submission) => submitDeal(deps, submission)],
      [meetingPicker.callback, (submission) => startPickedMeeting(deps, submission)],
      [connectModals.fathom.callback, republishingHome(deps, (submission: SlackSubmission) => submitFathomKey(deps, submission))],
      [connectModals.crono.callback, republishingHome(deps, (submission: SlackSubmission) => submitCronoKeys(deps, submission))],
      [settingsModal.callback, republishingHome(deps, (submission: SlackSubmission) => submitSettings(deps, submission))],
    ]),
    suggestions: oneHandlerEach<SuggestionHandler>([
      [cardActions.searchAccount, (suggestion) => suggestAccounts(deps, crmSearches, suggestion)],
      [taskModal.fields.contact.action, (suggestion) => suggestContacts(deps, crmSearches, suggestion)],
    ]),
  };
}

/** Clicks and modal submissions: verified and tenant-resolved upstream, handed to their handler here. */
export function slackInteractionsHandler(deps: ApiDependencies, registry: InteractionRegistry = interactionRegistry(deps)) {
  return async (ctx: Context): Promise<void> => {
    const slack = ctx.state.slack as SlackRequestState;
    if (slack.body.kind !== 'interaction' || !slack.tenant) {
      ctx.status = 400;
      return;
    }
    const answer = await answerInteraction(registry, deps.logger, { ctx, tenant: slack.tenant, payload: slack.body.payload });
    ctx.status = 200;
    ctx.body = answer;
  };
}

/**
 * Finds the one handler for the interaction's id and returns Slack's answer. An id nobody handles
 * is acknowledged all the same (Slack shows an error on anything but a 200) and logged once.
 */
export async function answerInteraction(
  registry: InteractionRegistry,
  logger: Pick<Logger, 'warn'>,
  request: { ctx: Context; tenant: Tenant; payload: SlackInteraction },
): Promise<SubmissionAnswer | OptionsAnswer> {
  const { payload } = request;
  const unhandled = (id: string | undefined) =>
    logger.warn('Slack interaction without a handler acknowledged', {
      tenantId: request.tenant.id,
      type: payload.type.slice(0, loggedIdLength),
      id: id?.slice(0, loggedIdLength),
    });
  switch (payload.type) {
    case 'block_actions': {
      const action = payload.actions?.[0];
      const handler = action && registry.clicks.get(action.action_id);
      if (action && handler) await handler({ ...request, action });
      else unhandled(action?.action_id);
      return '';
    }
    case 'view_submission': {
      const view = payload.view;
      const handler = view?.callback_id === undefined ? undefined : registry.submissions.get(view.callback_id);
      if (view && handler) return handler({ ...request, view });
      unhandled(view?.callback_id);
      return '';
    }
    case 'block_suggestion': {
      const handler = payload.action_id === undefined ? undefined : registry.suggestions.get(payload.action_id);
      if (handler) return handler(request);
      // An options load is answered with options; none is the empty answer.
      unhandled(payload.action_id);
      return { options: [] };
    }
    default:
      unhandled(payload.view?.callback_id ?? payload.action_id ?? payload.actions?.[0]?.action_id);
      return '';
  }
}

/** Builds an id → handler map; two handlers for one id is a programming error, caught at startup. */
function oneHandlerEach<Handler>(entries: [string, Handler][]): ReadonlyMap<string, Handler> {
  const handlers = new Map<string, Handler>();
  for (const [id, handler] of entries) {
    if (handlers.has(id)) throw new Error(`Two handlers for the Slack interaction id ${id}`);
    handlers.set(id, handler);
  }
  return handlers;
}
