/**
 * What every drill asserts at the end: each meeting finished its note, draft and event, and no
 * CRM note, Gmail draft or calendar event exists twice. The rep's side is played as a rep would:
 * one click per action on the card, and a click on the card's Retry button when it shows a
 * failure (the product gives up after its own bounded retries and hands the decision to the rep).
 */
import { cardActions } from '../../slack/action-ids';
import { meetingWorkflowId, statusQuery } from '../../workflows/messages';
import type { ActionKind, MeetingState } from '../../domain/meeting';
import type { DrillStack } from '../lib/drill-stack';
import { postRaw } from '../lib/http';
import { noteMarker, signedClick, type ClickTarget } from '../lib/slack-traffic';

export const drilledActions = ['note', 'draft', 'event'] as const satisfies readonly ActionKind[];
const actionButtons: Record<(typeof drilledActions)[number], string> = {
  note: cardActions.logNote,
  draft: cardActions.createDraft,
  event: cardActions.scheduleEvent,
};

export interface MeetingOutcomes {
  meetings: number;
  finished: number;
  unfinished: string[];
  repRetryClicks: number;
  clickErrors: number;
  notes: number;
  duplicateNotes: number;
  drafts: number;
  duplicateDrafts: number;
  events: number;
  duplicateEvents: number;
}

/** Clicks one action on one meeting's card through the API; false if the API did not answer 200. */
async function click(stack: DrillStack, target: ClickTarget, actionId: string, value: string, id: string): Promise<boolean> {
  const request = signedClick(stack.signingSecret, stack.emulators.slack, { ...target, recordingId: value }, id, actionId);
  const answer = await postRaw(`${stack.apiUrl}${request.path}`, request.headers, request.body);
  return answer.status === 200;
}

/** Clicks note, draft and event on every card (a few meetings at a time), retrying a click the API did not take. */
export async function clickEveryAction(stack: DrillStack, targets: ClickTarget[], isStopping: () => boolean = () => false): Promise<number> {
  let clickErrors = 0;
  for (const target of targets) {
    for (const kind of drilledActions) {
      for (let attempt = 0; attempt < 30 && !isStopping(); attempt++) {
        if (await click(stack, target, actionButtons[kind], target.recordingId, `drill-${kind}-${target.recordingId}-${attempt}`)) break;
        clickErrors += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
  return clickErrors;
}

async function stateOf(stack: DrillStack, target: ClickTarget): Promise<MeetingState | undefined> {
  try {
    return await stack.client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId)).query(statusQuery);
  } catch {
    return undefined; // no worker right now, or Temporal restarting: ask again later
  }
}

/**
 * Waits until every meeting has note, draft and event done, clicking the action again (or the
 * Retry button) when the card shows it failed or it was never started; at most `timeoutMs`.
 */
export async function waitForMeetings(stack: DrillStack, targets: ClickTarget[], timeoutMs: number): Promise<{ finished: ClickTarget[]; repRetryClicks: number }> {
  const deadline = Date.now() + timeoutMs;
  const finished = new Set<ClickTarget>();
  let repRetryClicks = 0;
  while (finished.size < targets.length && Date.now() < deadline) {
    for (const target of targets) {
      if (finished.has(target)) continue;
      const state = await stateOf(stack, target);
      if (!state) continue;
      if (drilledActions.every((kind) => state.actions[kind].status === 'done')) {
        finished.add(target);
        continue;
      }
      for (const kind of drilledActions) {
        const status = state.actions[kind].status;
        if (status === 'failed') {
          repRetryClicks += 1;
          await click(stack, target, cardActions.retry, `${target.recordingId}:${kind}`, `drill-retry-${kind}-${target.recordingId}-${repRetryClicks}`);
        } else if (status === 'idle') {
          await click(stack, target, actionButtons[kind], target.recordingId, `drill-again-${kind}-${target.recordingId}-${repRetryClicks}`);
        }
      }
    }
    if (finished.size < targets.length) {
      console.log(`[drill] ${finished.size}/${targets.length} meetings finished (note, draft, event); rep retry clicks so far: ${repRetryClicks}`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
  return { finished: [...finished], repRetryClicks };
}

/** Counts, per meeting, its notes in HubSpot, its drafts in Gmail and its events in Calendar. */
export function countSideEffects(stack: DrillStack, targets: ClickTarget[]): Pick<MeetingOutcomes, 'notes' | 'duplicateNotes' | 'drafts' | 'duplicateDrafts' | 'events' | 'duplicateEvents'> {
  const recordingIds = new Set(targets.map((target) => target.recordingId));
  const notesPerMeeting = new Map<string, number>();
  for (const note of stack.emulators.hubspot.notes()) {
    const recordingId = noteMarker.exec(note.body)?.[1];
    if (recordingId && recordingIds.has(recordingId)) notesPerMeeting.set(recordingId, (notesPerMeeting.get(recordingId) ?? 0) + 1);
  }
  const drafts = stack.emulators.google.drafts();
  const events = stack.emulators.google.events();
  const notes = [...notesPerMeeting.values()].reduce((sum, count) => sum + count, 0);
  return {
    notes,
    duplicateNotes: notes - notesPerMeeting.size,
    drafts: drafts.length,
    duplicateDrafts: drafts.length - new Set(drafts.map((draft) => draft.messageId)).size,
    events: events.length,
    duplicateEvents: events.length - new Set(events.map((event) => String(event.id))).size,
  };
}

export async function meetingOutcomes(stack: DrillStack, targets: ClickTarget[], clickErrors: number, timeoutMs: number): Promise<MeetingOutcomes> {
  const { finished, repRetryClicks } = await waitForMeetings(stack, targets, timeoutMs);
  const done = new Set(finished);
  return {
    meetings: targets.length,
    finished: finished.length,
    unfinished: targets.filter((target) => !done.has(target)).map((target) => target.recordingId),
    repRetryClicks,
    clickErrors,
    ...countSideEffects(stack, targets),
  };
}

/** The drill's verdict: every meeting finished, every side effect exactly once. */
export function outcomeFailures(outcomes: MeetingOutcomes): string[] {
  const failures: string[] = [];
  if (outcomes.finished !== outcomes.meetings) failures.push(`${outcomes.meetings - outcomes.finished} meetings did not finish: ${outcomes.unfinished.slice(0, 10).join(', ')}`);
  if (outcomes.duplicateNotes) failures.push(`${outcomes.duplicateNotes} duplicate CRM notes`);
  if (outcomes.duplicateDrafts) failures.push(`${outcomes.duplicateDrafts} duplicate Gmail drafts`);
  if (outcomes.duplicateEvents) failures.push(`${outcomes.duplicateEvents} duplicate calendar events`);
  if (outcomes.notes !== outcomes.finished || outcomes.drafts < outcomes.finished || outcomes.events < outcomes.finished) {
    failures.push(`side effects do not match finished meetings: ${outcomes.notes} notes, ${outcomes.drafts} drafts, ${outcomes.events} events for ${outcomes.finished}`);
  }
  return failures;
}
