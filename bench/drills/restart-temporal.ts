/**
 * Drill 3: restart the (file-backed) Temporal dev server in the middle of a run: while meetings
 * are being prepared and while their actions are clicked. Every meeting must still finish, and no
 * note, draft or event may exist twice. Clicks refused while Temporal is down are clicked again,
 * as a rep would after the "try again in a minute" reply.
 */
import { startDrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export async function restartTemporalDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const downMs = numberFromEnv('DRILL_TEMPORAL_DOWN_MS', 5_000);
  const stack = await startDrillStack();
  const started = Date.now();
  let restarts = 0;
  const restart = async (when: string): Promise<void> => {
    console.log(`[drill] restarting Temporal (${when})`);
    await stack.restartTemporal(downMs);
    restarts += 1;
    console.log(`[drill] Temporal is back after restart #${restarts}`);
  };
  try {
    const preparing = prepareMeetings(stack, meetings, { label: 'restart-Temporal drill meetings', concurrency: 20 });
    await new Promise((resolve) => setTimeout(resolve, numberFromEnv('DRILL_TEMPORAL_RESTART_AFTER_MS', 10_000)));
    await restart('while meetings are prepared');
    const targets = await preparing;
    const clicking = clickEveryAction(stack, targets);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await restart('while actions are clicked');
    const clickErrors = await clicking;
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const failures = outcomeFailures(outcomes);
    const { unfinished: _unfinished, ...counts } = outcomes;
    return { passed: failures.length === 0, failures, summary: { drill: 'restart Temporal', restarts, seconds: Math.round((Date.now() - started) / 1000), ...counts } };
  } finally {
    await stack.shutdown();
  }
}
