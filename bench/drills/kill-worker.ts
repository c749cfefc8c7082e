/**
 * Drill 1: kill -9 the worker at random moments while N meetings are prepared and their note,
 * draft and event are clicked, restart it each time; every meeting must still finish, and no CRM
 * note, draft or event may exist twice.
 */
import { startDrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv, type Row } from '../lib/stats';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export interface DrillResult {
  passed: boolean;
  failures: string[];
  summary: Row;
}

function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

export async function killWorkerDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const killMinMs = numberFromEnv('DRILL_KILL_MIN_MS', 15_000);
  const killMaxMs = numberFromEnv('DRILL_KILL_MAX_MS', 45_000);
  const downMaxMs = numberFromEnv('DRILL_KILL_DOWN_MAX_MS', 3_000);
  const stack = await startDrillStack();
  let kills = 0;
  let chaos = true;
  const started = Date.now();
  // Kills at random moments: during preparation, while clicks are handled, while actions run.
  const chaosLoop = (async () => {
    while (chaos) {
      await new Promise((resolve) => setTimeout(resolve, randomBetween(killMinMs, killMaxMs)));
      if (!chaos) break;
      await stack.killWorker();
      kills += 1;
      console.log(`[drill] kill -9 worker #${kills} at ${((Date.now() - started) / 1000).toFixed(0)} s`);
      await new Promise((resolve) => setTimeout(resolve, randomBetween(0, downMaxMs)));
      stack.startWorker();
    }
  })();
  try {
    const targets = await prepareMeetings(stack, meetings, { label: 'kill-worker drill meetings', concurrency: 20 });
    const clickErrors = await clickEveryAction(stack, targets);
    // Keep killing for a while after the last click, then let the worker finish the backlog.
    await new Promise((resolve) => setTimeout(resolve, numberFromEnv('DRILL_KILL_TAIL_MS', 30_000)));
    chaos = false;
    await chaosLoop;
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const failures = outcomeFailures(outcomes);
    const { unfinished: _unfinished, ...counts } = outcomes;
    return { passed: failures.length === 0, failures, summary: { drill: 'kill -9 worker', kills, seconds: Math.round((Date.now() - started) / 1000), ...counts } };
  } finally {
    chaos = false;
    await chaosLoop.catch(() => undefined);
    await stack.shutdown();
  }
}
