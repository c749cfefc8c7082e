/**
 * Drill 7: Postgres stops and, during the outage, the worker dies. Two calls are held in flight at
 * the emulators (a note write, then any note, Gmail draft or calendar event write); Postgres is
 * stopped; the note goes through once it is down (done upstream, its audit row cannot be written);
 * halfway through the outage the worker is killed (kill -9) and the second write goes through with
 * nobody left to hear the answer. Postgres starts again, then the worker. Passes when every
 * meeting finishes with no note, draft or event twice, both held calls' activities show a failed
 * and retried attempt (the faults hit them), and every attempt of every done action has exactly
 * one audit row: the rows of the outage lived in Temporal, not in the dead worker.
 */
import { startDrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import { auditTrail } from './audit-trail';
import { heldCallRetried, holdNextCall } from './held-write';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

export async function postgresAndWorkerDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const downMs = numberFromEnv('DRILL_POSTGRES_DOWN_MS', 20_000);
  const holdTimeoutMs = numberFromEnv('DRILL_HOLD_TIMEOUT_MS', 120_000);
  const stack = await startDrillStack();
  const started = Date.now();
  try {
    const targets = await prepareMeetings(stack, meetings, { label: 'Postgres-and-worker drill meetings', concurrency: 20 });
    const firstHold = holdNextCall(stack, ['note'], holdTimeoutMs);
    const clicking = clickEveryAction(stack, targets);
    const note = await firstHold;
    const write = note ? await holdNextCall(stack, ['note', 'gmail-draft', 'calendar-event'], holdTimeoutMs) : undefined;
    console.log(`[drill] stopping Postgres for ${downMs / 1000} s with ${[note, write].filter(Boolean).length} writes in flight`);
    let killedAt: number | undefined;
    const outage = await stack.stopPostgres(downMs, async () => {
      note?.release();
      // Halfway, so the live worker's attempts have failed on the outage before it dies.
      await new Promise((resolve) => setTimeout(resolve, downMs / 2));
      await stack.killWorker();
      killedAt = Date.now();
      write?.release();
      console.log(`[drill] kill -9 worker during the outage${write ? `, a ${write.kind} write in flight` : ''}`);
    });
    stack.startWorker();
    console.log('[drill] Postgres is back, worker started again');
    const clickErrors = await clicking;

    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const finished = targets.filter((target) => !outcomes.unfinished.includes(target.recordingId));
    const audit = await auditTrail(stack, finished);
    const noteRetried = note ? await heldCallRetried(stack, note, targets) : false;
    const writeRetried = write ? await heldCallRetried(stack, write, targets) : false;

    const failures = outcomeFailures(outcomes);
    if (!note || !write) failures.push('fewer than two writes were in flight when Postgres stopped: the faults hit no running activity');
    if (note && !noteRetried) failures.push('the note write in flight when Postgres stopped shows no failed and retried attempt');
    if (write && !writeRetried) failures.push(`the ${write.kind} write in flight when the worker was killed shows no failed and retried attempt`);
    if (killedAt === undefined || killedAt > outage.startRequestedAt) failures.push('the worker was not killed during the outage');
    if (audit.missingSuccessRows.length) failures.push(`${audit.missingSuccessRows.length} done actions have no success row: ${audit.missingSuccessRows.slice(0, 10).join(', ')}`);
    if (audit.extraSuccessRows) failures.push(`${audit.extraSuccessRows} success rows beyond one per action`);
    if (audit.attemptsWithoutRow) failures.push(`${audit.attemptsWithoutRow} attempts have no audit row`);
    if (audit.attemptsWithSeveralRows) failures.push(`${audit.attemptsWithSeveralRows} attempts have more than one audit row`);
    const { unfinished: _unfinished, ...counts } = outcomes;
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'stop Postgres, kill -9 worker during the outage',
        downSeconds: Math.round((outage.startRequestedAt - outage.downAt) / 1000),
        seconds: Math.round((Date.now() - started) / 1000),
        heldWrites: [note, write].filter(Boolean).map((held) => held!.kind).join(' '),
        heldWritesRetried: [noteRetried, writeRetried].filter(Boolean).length,
        auditSuccessRows: audit.successRows,
        auditMissing: audit.missingSuccessRows.length,
        auditExtraSuccess: audit.extraSuccessRows,
        auditFailureRows: audit.failureRows,
        auditUnreportedAttemptRows: audit.unreportedAttemptRows,
        attemptsWithoutRow: audit.attemptsWithoutRow,
        attemptsWithSeveralRows: audit.attemptsWithSeveralRows,
        ...counts,
      },
    };
  } finally {
    await stack.shutdown();
  }
}
