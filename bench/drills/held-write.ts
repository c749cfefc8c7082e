/**
 * Faults that start on an event, not a timer: the emulator holds the next call of a kind
 * (emulators/http-emulator.ts `holdNext`), so a drill knows an activity is in the middle of it
 * (started, not yet reported) when it kills a process or stops a database; then it lets the call
 * through, so the work is done upstream while its caller is gone. Afterwards the drill checks from
 * Temporal's history that the activity caught by the fault really failed an attempt and was retried.
 */
import { tsToMs } from '@temporalio/common/lib/time';
import type { RecordedRequest, RequestHold } from '../../emulators/http-emulator';
import { meetingWorkflowId } from '../../workflows/messages';
import type { DrillStack } from '../lib/drill-stack';
import type { ClickTarget } from '../lib/slack-traffic';

export type CallKind = 'ai-draft' | 'note' | 'gmail-draft' | 'calendar-event';

interface CallPoint {
  emulator: 'anthropic' | 'hubspot' | 'google';
  method: string;
  path: RegExp;
  /** The activity that makes this call. */
  activityType: string;
}

const callPoints: Record<CallKind, CallPoint> = {
  'ai-draft': { emulator: 'anthropic', method: 'POST', path: /^\/v1\/messages$/, activityType: 'draftFollowUp' },
  note: { emulator: 'hubspot', method: 'POST', path: /^\/crm\/v3\/objects\/notes$/, activityType: 'logCrmNote' },
  'gmail-draft': { emulator: 'google', method: 'POST', path: /^\/gmail\/v1\/users\/[^/]+\/drafts$/, activityType: 'createEmailDraft' },
  'calendar-event': { emulator: 'google', method: 'POST', path: /^\/calendar\/v3\/calendars\/[^/]+\/events$/, activityType: 'scheduleFollowUp' },
};

export interface HeldCall {
  kind: CallKind;
  request: RecordedRequest;
  /** Date.now() when the call arrived and was held. */
  heldAt: number;
  release(): void;
}

/**
 * Holds armed on the next call of each of `kinds`; `arrived` resolves with the first one held (the
 * others are dropped), or undefined after `timeoutMs`.
 */
export function holdNextCall(stack: DrillStack, kinds: CallKind[], timeoutMs: number): Promise<HeldCall | undefined> {
  const holds = kinds.map((kind) => {
    const point = callPoints[kind];
    const hold: RequestHold = stack.emulators[point.emulator].holdNext({ method: point.method, path: point.path });
    return { kind, hold };
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  const first = Promise.race(holds.map(({ kind, hold }) => hold.held.then((request): HeldCall => ({ kind, request, heldAt: Date.now(), release: hold.release }))));
  return Promise.race([first, timedOut]).then((held) => {
    clearTimeout(timer);
    // Another kind may have arrived meanwhile: released too, it just goes through late.
    for (const { hold } of holds) if (hold.release !== held?.release) hold.release();
    return held;
  });
}

/**
 * Whether the activity that made the held call failed an attempt and ran again: in the history of
 * its meeting (found by the recording id in the call's body) or, when the body does not name it,
 * of any drilled meeting, an attempt > 1 of that activity started after the call was held.
 */
export async function heldCallRetried(stack: DrillStack, held: HeldCall, targets: ClickTarget[]): Promise<boolean> {
  const { activityType } = callPoints[held.kind];
  const meeting = meetingOfCall(held, targets);
  for (const target of meeting ? [meeting] : targets) {
    const history = await stack.client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId)).fetchHistory();
    const scheduledTypes = new Map<string, string>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) scheduledTypes.set(String(event.eventId), scheduled.activityType?.name ?? '');
      const started = event.activityTaskStartedEventAttributes;
      // History records an activity's start once, with the attempt that ended it, at that attempt's start.
      if (!started || (started.attempt ?? 1) < 2 || scheduledTypes.get(String(started.scheduledEventId)) !== activityType) continue;
      if (meeting || tsToMs(event.eventTime) >= held.heldAt) return true;
    }
  }
  return false;
}

/** The meeting whose recording id the held call names (a HubSpot note's idempotency marker), if any. */
export function meetingOfCall(held: HeldCall, targets: ClickTarget[]): ClickTarget | undefined {
  const named = targets.filter((target) => held.request.rawBody.includes(`:${target.recordingId}:`));
  return named.length === 1 ? named[0] : undefined;
}
