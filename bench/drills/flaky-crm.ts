/**
 * Drill 2: the CRM fails a share of calls (default 30 %: 500s, 429 with Retry-After, hangs past
 * the client's timeout, and writes whose answer is lost) while N meetings run, and refuses the
 * notes of DRILL_CRM_BROKEN_MEETINGS meetings of one workspace for good (404) until their admins have seen it: each
 * fault meets a real CRM call. Passes when those notes fail on their cards, the admins got one DM
 * per incident, App Home's "Needs attention" lists the failed meetings, the DM's Retry all reaches
 * them once the CRM is fixed, and every meeting finishes (with the rep's Retry click where the card
 * offers it) with no note twice.
 */
import { startDrillStack } from '../lib/drill-stack';
import { startFlakyProxy, type FlakyProxy } from '../lib/flaky-proxy';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import { checkFailedSyncNotice, makeAdmins, waitForFailedNotes } from './failed-sync-notice';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export async function flakyCrmDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const failureRate = numberFromEnv('DRILL_CRM_FAILURE_RATE', 0.3);
  const noticeTimeoutMs = numberFromEnv('DRILL_NOTICE_TIMEOUT_MS', 5 * 60_000);
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
    // All in one workspace: several failed meetings of one incident must still make one DM per admin.
    const broken = targets.filter((target) => target.tenantId === targets[0]!.tenantId).slice(0, Math.max(1, Math.round(numberFromEnv('DRILL_CRM_BROKEN_MEETINGS', 2))));
    await makeAdmins(stack, broken);
    proxy!.refuse(({ method, path, body }) => method === 'POST' && /^\/crm\/v3\/objects\/notes(\?|$)/.test(path) && broken.some((target) => body.includes(`:${target.recordingId}:note`)));
    const clickErrors = await clickEveryAction(stack, targets);
    const notesFailed = await waitForFailedNotes(stack, broken, noticeTimeoutMs);
    proxy!.refuse(undefined);
    const notice = notesFailed ? await checkFailedSyncNotice(stack, broken, noticeTimeoutMs) : undefined;
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));

    const failures = outcomeFailures(outcomes);
    if (!notesFailed || !notice) failures.push(`the refused notes of ${broken.length} meetings did not all show failed within ${noticeTimeoutMs / 1000} s: no failure for good to see`);
    else {
      if (notice.incidents === 0) failures.push('no sync incident recorded for the failed notes');
      if (notice.adminDms !== notice.incidents) failures.push(`${notice.adminDms} admin DMs for ${notice.incidents} incidents (one each expected)`);
      if (notice.listedInHome !== broken.length) failures.push(`App Home "Needs attention" listed ${notice.listedInHome} of ${broken.length} failed meetings`);
      if (notice.reachedByRetryAll !== broken.length) failures.push(`Retry all reached ${notice.reachedByRetryAll} of ${broken.length} failed meetings`);
    }
    const { unfinished: _unfinished, ...counts } = outcomes;
    const faults = proxy!.counts();
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: `CRM fails ${Math.round(failureRate * 100)} %, ${broken.length} notes refused`,
        seconds: Math.round((Date.now() - started) / 1000),
        crmCalls: Object.values(faults).reduce((sum, count) => sum + count, 0),
        ...Object.fromEntries(Object.entries(faults).map(([kind, count]) => [`crm ${kind}`, count])),
        ...(notice ?? {}),
        ...counts,
      },
    };
  } finally {
    await stack.shutdown();
    await proxy?.stop();
  }
}
