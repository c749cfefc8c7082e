/**
 * Drill 4: stop Postgres for DRILL_POSTGRES_DOWN_MS (20 s) the moment a note write is in flight
 * (held by the CRM emulator), while the reps' clicks are processed.
 * Meanwhile genuine signed Slack requests arrive at a steady rate (outage-probe.ts). Passes when
 * every request met by the outage is answered within ANSWER_BOUND_MS and none of them is a 2xx
 * claiming work (the API cannot even check a replay without its database), /readyz reports the
 * outage (503) while /livez stays 200, the API process stays up, clicks are taken again within DRILL_POSTGRES_RECOVERY_MS of
 * Postgres being back, every attempt of every done action has exactly one audit row, the held
 * write's activity failed and was retried (the outage hit it), and, as in every drill, every meeting
 * finishes with no note, draft or event twice.
 */
import type { DrillStack, PostgresOutage } from '../lib/drill-stack';
import { startDrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv, printTable, round, summarize, type Row } from '../lib/stats';
import { auditTrail, retriedActivityAttempts } from './audit-trail';
import { heldCallRetried, holdNextCall } from './held-write';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';
import { healthProbes, startOutageProbe, type ProbeAnswer } from './outage-probe';

/** Slack gives up after 3 s; what we allow ourselves, leaving room for the network. */
const ANSWER_BOUND_MS = 2_500;
/** Probe traffic before the stop, to see the API's usual answers on the same stack. */
const BASELINE_MS = 2_000;

type Phase = 'before' | 'down' | 'transition' | 'after';

/** 'down': sent after Postgres had exited and answered before it was started again; 'transition': met a stop or a start. */
function phaseOf(answer: ProbeAnswer, outage: PostgresOutage): Phase {
  if (answer.answeredAt < outage.stopRequestedAt) return 'before';
  if (answer.dueAt >= outage.downAt && answer.answeredAt <= outage.startRequestedAt) return 'down';
  if (answer.dueAt >= outage.upAt) return 'after';
  return 'transition';
}

function latencyOf(answer: ProbeAnswer): number {
  return answer.answeredAt - answer.dueAt;
}

function probeTable(answers: ProbeAnswer[], outage: PostgresOutage): Row[] {
  const rows: Row[] = [];
  for (const phase of ['before', 'down', 'transition', 'after'] as const) {
    for (const kind of ['click', 'command', 'livez', 'readyz'] as const) {
      const group = answers.filter((answer) => answer.kind === kind && phaseOf(answer, outage) === phase);
      if (group.length === 0) continue;
      const statuses = new Map<string, number>();
      for (const answer of group) {
        const key = healthProbes.includes(kind) ? String(answer.status) : `${answer.status} ${answer.answer}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
      const latency = summarize(group.map(latencyOf));
      rows.push({ phase, kind, sent: group.length, answers: [...statuses].map(([key, count]) => `${key}×${count}`).join(', '), p50: latency.p50, p99: latency.p99, max: latency.max });
    }
  }
  return rows;
}

/** ms from Postgres accepting connections again to the first answer after it matching `isBack`. */
function recoveryMs(answers: ProbeAnswer[], outage: PostgresOutage, isBack: (answer: ProbeAnswer) => boolean): number | undefined {
  const first = answers.filter((answer) => answer.dueAt >= outage.startRequestedAt && isBack(answer)).sort((a, b) => a.answeredAt - b.answeredAt)[0];
  return first ? Math.max(0, first.answeredAt - outage.upAt) : undefined;
}

function probeFailures(answers: ProbeAnswer[], outage: PostgresOutage, recoveryBoundMs: number): string[] {
  const failures: string[] = [];
  const slack = answers.filter((answer) => !healthProbes.includes(answer.kind));
  const metOutage = slack.filter((answer) => ['down', 'transition'].includes(phaseOf(answer, outage)));
  const down = slack.filter((answer) => phaseOf(answer, outage) === 'down');
  if (down.length === 0) failures.push('no Slack request fell entirely inside the outage');
  const slow = metOutage.filter((answer) => answer.answer !== 'no answer' && latencyOf(answer) > ANSWER_BOUND_MS);
  if (slow.length) failures.push(`${slow.length} requests met by the outage answered after more than ${ANSWER_BOUND_MS} ms (max ${Math.max(...slow.map(latencyOf))} ms)`);
  const unanswered = answers.filter((answer) => answer.answer === 'no answer');
  if (unanswered.length) failures.push(`${unanswered.length} requests got no answer (${[...new Set(unanswered.map((answer) => phaseOf(answer, outage)))].join(', ')})`);
  const claimed = down.filter((answer) => answer.answer === 'taken');
  if (claimed.length) failures.push(`${claimed.length} requests answered 2xx as done while Postgres was down`);
  const otherStatuses = metOutage.filter((answer) => answer.answer === 'other status');
  if (otherStatuses.length) failures.push(`${otherStatuses.length} requests met by the outage got neither a 503 nor a "try again" reply: ${[...new Set(otherStatuses.map((answer) => answer.status))].join(', ')}`);
  const readyDuringOutage = answers.filter((answer) => answer.kind === 'readyz' && phaseOf(answer, outage) === 'down' && answer.status !== 503);
  if (readyDuringOutage.length) failures.push(`/readyz answered ${[...new Set(readyDuringOutage.map((answer) => answer.status))].join(', ')} instead of 503 while Postgres was down`);
  const notLive = answers.filter((answer) => answer.kind === 'livez' && answer.status !== 200);
  if (notLive.length) failures.push(`/livez answered ${[...new Set(notLive.map((answer) => answer.status))].join(', ')} instead of 200 (the process is alive throughout)`);

  const clicksBack = recoveryMs(answers, outage, (answer) => answer.kind === 'click' && answer.answer === 'taken');
  if (clicksBack === undefined || clicksBack > recoveryBoundMs) failures.push(`clicks were not taken again within ${recoveryBoundMs} ms of Postgres being back`);
  const readyBack = recoveryMs(answers, outage, (answer) => answer.kind === 'readyz' && answer.status === 200);
  if (readyBack === undefined || readyBack > recoveryBoundMs) failures.push(`/readyz did not answer 200 within ${recoveryBoundMs} ms of Postgres being back`);
  if (clicksBack !== undefined) {
    const refusedLater = slack.filter((answer) => answer.dueAt >= outage.upAt + clicksBack && answer.answer !== 'taken');
    if (refusedLater.length) failures.push(`${refusedLater.length} requests refused after the API had recovered`);
  }
  return failures;
}

/**
 * Clicks every action while probing, and stops Postgres the moment a note write is held in flight
 * at the CRM emulator (the activity has read its meeting and credentials and waits for the CRM);
 * the write goes through once Postgres is down, so the activity learns of the outage when it
 * records its outcome. Resolves with the outage, the held write (undefined if none came) and the answers.
 */
async function clickThroughOutage(stack: DrillStack, targets: Parameters<typeof clickEveryAction>[1]) {
  const downMs = numberFromEnv('DRILL_POSTGRES_DOWN_MS', 20_000);
  const recoveryBoundMs = numberFromEnv('DRILL_POSTGRES_RECOVERY_MS', 10_000);
  const probe = startOutageProbe(stack, targets, numberFromEnv('DRILL_POSTGRES_PROBE_RATE', 4));
  await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
  const holding = holdNextCall(stack, ['note'], numberFromEnv('DRILL_HOLD_TIMEOUT_MS', 120_000));
  const clicking = clickEveryAction(stack, targets);
  const held = await holding;
  console.log(`[drill] stopping Postgres for ${downMs / 1000} s ${held ? 'with a note write in flight' : 'without a note write in flight (none came)'}`);
  const outage = await stack.stopPostgres(downMs, async () => held?.release());
  console.log(`[drill] Postgres is back (stopped in ${outage.downAt - outage.stopRequestedAt} ms, started in ${outage.upAt - outage.startRequestedAt} ms)`);
  // Keep probing through the recovery window: the verdict needs the answers after it too.
  await new Promise((resolve) => setTimeout(resolve, recoveryBoundMs));
  const answers = await probe.stop();
  return { outage, held, answers, recoveryBoundMs, clickErrors: await clicking };
}

export async function stopPostgresDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const stack = await startDrillStack();
  const started = Date.now();
  try {
    const targets = await prepareMeetings(stack, meetings, { label: 'stop-Postgres drill meetings', concurrency: 20 });
    const { outage, held, answers, recoveryBoundMs, clickErrors } = await clickThroughOutage(stack, targets);
    printTable(`Slack requests around a ${round((outage.startRequestedAt - outage.downAt) / 1000)} s Postgres outage (ms from intended send time)`, probeTable(answers, outage));
    const apiAlive = !stack.apiProcess().exitStatus;

    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    const finished = targets.filter((target) => !outcomes.unfinished.includes(target.recordingId));
    const audit = await auditTrail(stack, finished);
    const retriedAttempts = await retriedActivityAttempts(stack, targets, outage.stopRequestedAt);
    const heldWriteRetried = held ? await heldCallRetried(stack, held, targets) : false;

    const failures = [...probeFailures(answers, outage, recoveryBoundMs), ...outcomeFailures(outcomes)];
    if (!apiAlive) failures.push('the API process died');
    if (audit.missingSuccessRows.length) failures.push(`${audit.missingSuccessRows.length} done actions have no audit row: ${audit.missingSuccessRows.slice(0, 10).join(', ')}`);
    if (audit.unrecordedFailedAttempts) failures.push(`${audit.unrecordedFailedAttempts} failed attempts have no audit row`);
    if (!held) failures.push('no note write was in flight to stop Postgres under: the outage hit no running activity');
    else if (!heldWriteRetried) failures.push('the note write in flight when Postgres stopped shows no failed and retried attempt: the outage missed it');
    if (audit.attemptsWithoutRow) failures.push(`${audit.attemptsWithoutRow} attempts have no audit row`);
    if (audit.attemptsWithSeveralRows) failures.push(`${audit.attemptsWithSeveralRows} attempts have more than one audit row`);

    const down = answers.filter((answer) => !healthProbes.includes(answer.kind) && phaseOf(answer, outage) === 'down');
    const downLatency = summarize(down.map(latencyOf));
    const { unfinished: _unfinished, ...counts } = outcomes;
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'stop Postgres',
        downSeconds: round((outage.startRequestedAt - outage.downAt) / 1000),
        seconds: Math.round((Date.now() - started) / 1000),
        outageRequests: down.length,
        outageP50: downLatency.p50,
        outageMax: downLatency.max,
        outageTaken: down.filter((answer) => answer.answer === 'taken').length,
        clicksBackMs: recoveryMs(answers, outage, (answer) => answer.kind === 'click' && answer.answer === 'taken'),
        readyzBackMs: recoveryMs(answers, outage, (answer) => answer.kind === 'readyz' && answer.status === 200),
        apiAlive,
        auditSuccessRows: audit.successRows,
        auditMissing: audit.missingSuccessRows.length,
        auditExtraSuccess: audit.extraSuccessRows,
        unauditedFailedAttempts: audit.unrecordedFailedAttempts,
        auditFailureRows: audit.failureRows,
        auditUnreportedAttemptRows: audit.unreportedAttemptRows,
        attemptsWithoutRow: audit.attemptsWithoutRow,
        attemptsWithSeveralRows: audit.attemptsWithSeveralRows,
        noteWriteInFlightAtStop: held !== undefined,
        heldWriteRetried,
        retriedSinceStop: retriedAttempts,
        ...counts,
      },
    };
  } finally {
    await stack.shutdown();
  }
}
