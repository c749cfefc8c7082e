/**
 * Drill 2: the CRM fails a share of calls (default 30 %: 500s, 429 with Retry-After, hangs past
 * the client's timeout, and writes whose answer is lost) while N meetings run; every meeting must
 * finish (with the rep's Retry click where the card offers it) and no note may exist twice.
 */
import { startDrillStack } from '../lib/drill-stack';
import { startFlakyProxy, type FlakyProxy } from '../lib/flaky-proxy';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export async function flakyCrmDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const failureRate = numberFromEnv('DRILL_CRM_FAILURE_RATE', 0.3);
  let proxy: FlakyProxy | undefined;
  const stack = await startDrillStack({
    hubSpotUrl: async (emulatorUrl) => {
      // Longer than the HubSpot client's own 30 s request deadline: the client must give up first.
      proxy = await startFlakyProxy(emulatorUrl, { hangMs: numberFromEnv('DRILL_CRM_HANG_MS', 35_000) });
      return proxy.url;
    },
  });
  const started = Date.now();
  try {
    proxy!.setFailureRate(failureRate);
    const targets = await prepareMeetings(stack, meetings, { label: 'flaky-CRM drill meetings', concurrency: 20 });
    const clickErrors = await clickEveryAction(stack, targets);
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const failures = outcomeFailures(outcomes);
    const { unfinished: _unfinished, ...counts } = outcomes;
    const faults = proxy!.counts();
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: `CRM fails ${Math.round(failureRate * 100)} %`,
        seconds: Math.round((Date.now() - started) / 1000),
        crmCalls: Object.values(faults).reduce((sum, count) => sum + count, 0),
        ...Object.fromEntries(Object.entries(faults).map(([kind, count]) => [`crm ${kind}`, count])),
        ...counts,
      },
    };
  } finally {
    await stack.shutdown();
    await proxy?.stop();
  }
}
