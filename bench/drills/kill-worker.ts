/**
 * Drill 1: kill -9 the worker while it is provably in the middle of a call: the emulator holds the
 * next AI drafting call (while meetings are prepared) or the next note, Gmail draft or calendar
 * event write (while actions are clicked), the drill kills the worker, lets the held call through
 * (done upstream, its answer lost with the worker) and restarts the worker. Every meeting must
 * still finish, no CRM note, draft or event may exist twice, and each killed activity must show in
 * Temporal's history as failed and retried: otherwise the kill missed and the drill fails.
 */
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv, type Row } from '../lib/stats';
import { heldCallRetried, holdNextCall, type CallKind, type HeldCall } from './held-write';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export interface DrillResult {
  passed: boolean;
  failures: string[];
  summary: Row;
}

const actionWrites: CallKind[] = ['note', 'gmail-draft', 'calendar-event'];

function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/** Kills the worker on each of `kills` held calls of `kinds` in turn, restarting it after each. */
async function killOnHeldCalls(stack: DrillStack, kinds: CallKind[], kills: number, options: { downMaxMs: number; holdTimeoutMs: number; started: number }): Promise<{ kills: HeldCall[]; missed: number }> {
  const done: HeldCall[] = [];
  let missed = 0;
  for (let index = 0; index < kills; index++) {
    const held = await holdNextCall(stack, kinds, options.holdTimeoutMs);
    if (!held) {
      missed += 1;
      console.log(`[drill] no ${kinds.join('/')} call to hold within ${options.holdTimeoutMs / 1000} s`);
      continue;
    }
    await stack.killWorker();
    held.release();
    done.push(held);
    console.log(`[drill] kill -9 worker at ${((Date.now() - options.started) / 1000).toFixed(0)} s, during a ${held.kind} call`);
    await new Promise((resolve) => setTimeout(resolve, randomBetween(0, options.downMaxMs)));
    stack.startWorker();
  }
  return { kills: done, missed };
}

export async function killWorkerDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const plannedKills = Math.round(numberFromEnv('DRILL_KILLS', 5));
  const downMaxMs = numberFromEnv('DRILL_KILL_DOWN_MAX_MS', 3_000);
  const stack = await startDrillStack();
  const started = Date.now();
  try {
    const options = { downMaxMs, holdTimeoutMs: numberFromEnv('DRILL_KILL_HOLD_TIMEOUT_MS', 120_000), started };
    // Armed before the first meeting: the first AI drafting call is held, whenever it comes.
    const whilePreparing = killOnHeldCalls(stack, ['ai-draft'], Math.min(1, plannedKills), options);
    const targets = await prepareMeetings(stack, meetings, { label: 'kill-worker drill meetings', concurrency: 20 });
    const preparingKills = await whilePreparing;
    // Armed once clicking starts, so a long preparation cannot run out a hold's timeout.
    const whileClicking = killOnHeldCalls(stack, actionWrites, plannedKills - Math.min(1, plannedKills), options);
    const clickErrors = await clickEveryAction(stack, targets);
    const chaos = [preparingKills, await whileClicking];
    const kills = chaos.flatMap((part) => part.kills);
    const missed = chaos.reduce((sum, part) => sum + part.missed, 0);
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const retried: HeldCall[] = [];
    for (const kill of kills) if (await heldCallRetried(stack, kill, targets)) retried.push(kill);

    const failures = outcomeFailures(outcomes);
    if (missed) failures.push(`${missed} of ${plannedKills} kills found no call in flight to kill during (lower DRILL_KILLS or raise DRILL_MEETINGS)`);
    if (retried.length < kills.length) failures.push(`${kills.length - retried.length} killed activities show no failed and retried attempt in their history: the kill missed them`);
    const { unfinished: _unfinished, ...counts } = outcomes;
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'kill -9 worker',
        kills: kills.length,
        killedDuring: kills.map((kill) => kill.kind).join(' '),
        killedAttemptsRetried: retried.length,
        seconds: Math.round((Date.now() - started) / 1000),
        ...counts,
      },
    };
  } finally {
    await stack.shutdown();
  }
}
