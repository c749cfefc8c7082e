/**
 * Drill 3: restart the (file-backed) Temporal dev server while work is in flight: once while an AI
 * drafting call of a meeting being prepared is held at the emulator, and once while a note write
 * is held and the reps' clicks (updates) are still being sent. The held call goes through while
 * Temporal is down, so the activity reports to a server that is not there. Every meeting must
 * still finish, and no note, draft or event may exist twice. Clicks refused while Temporal is
 * down are clicked again, as a rep would after the "try again in a minute" reply. Fails if a
 * restart found no call in flight or no clicks being sent.
 */
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import { holdNextCall, type CallKind } from './held-write';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

/** Restarts Temporal once a `kind` call is held; the call goes through once Temporal is down. False when none came. */
async function restartOnHeldCall(stack: DrillStack, kind: CallKind, downMs: number, holdTimeoutMs: number, whenHeld: () => void = () => undefined): Promise<boolean> {
  const held = await holdNextCall(stack, [kind], holdTimeoutMs);
  whenHeld();
  console.log(`[drill] restarting Temporal ${held ? `with a ${kind} call in flight` : `(no ${kind} call came to hold)`}`);
  await stack.restartTemporal(downMs, () => held?.release());
  console.log('[drill] Temporal is back');
  return held !== undefined;
}

export async function restartTemporalDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const downMs = numberFromEnv('DRILL_TEMPORAL_DOWN_MS', 5_000);
  const holdTimeoutMs = numberFromEnv('DRILL_HOLD_TIMEOUT_MS', 120_000);
  const stack = await startDrillStack();
  const started = Date.now();
  try {
    const preparing = prepareMeetings(stack, meetings, { label: 'restart-Temporal drill meetings', concurrency: 20 });
    const whilePreparing = await restartOnHeldCall(stack, 'ai-draft', downMs, holdTimeoutMs);
    const targets = await preparing;
    let clicksDone = false;
    let clicksInFlight = false;
    const clicking = clickEveryAction(stack, targets).finally(() => (clicksDone = true));
    const whileClicking = await restartOnHeldCall(stack, 'note', downMs, holdTimeoutMs, () => (clicksInFlight = !clicksDone));
    const clickErrors = await clicking;
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));

    const failures = outcomeFailures(outcomes);
    if (!whilePreparing) failures.push('the restart while preparing found no AI drafting call in flight');
    if (!whileClicking) failures.push('the restart while clicking found no note write in flight');
    else if (!clicksInFlight) failures.push('the clicks were all sent before the restart while clicking: no update met it');
    const { unfinished: _unfinished, ...counts } = outcomes;
    return {
      passed: failures.length === 0,
      failures,
      summary: { drill: 'restart Temporal', restartsOnHeldCalls: Number(whilePreparing) + Number(whileClicking), clicksInFlight, seconds: Math.round((Date.now() - started) / 1000), ...counts },
    };
  } finally {
    await stack.shutdown();
  }
}
