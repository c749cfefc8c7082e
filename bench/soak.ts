/**
 * `npm run soak`: the whole product under a constant, moderate load for SOAK_DURATION_MIN minutes
 * (default 60; e.g. 10 for a CI-sized run). Meetings arrive as signed Fathom webhooks at
 * SOAK_MEETINGS_PER_MIN, and each is clicked through the API as a rep would (Log to CRM, Create
 * draft, Schedule follow-up, then Skip invitations if the workflow still waits) until its
 * workflow completes. Every SOAK_SAMPLE_SECONDS the worker's and the API's memory, heap and open
 * handles (their Prometheus /metrics), Postgres connections, the history size of recent meetings
 * and the p99 click ack of the window are sampled. After SOAK_WARMUP_MIN, each series' least-
 * squares slope per hour must stay under its limit: nothing may grow without bound. It passes
 * with no errors and no meeting stuck. Writes bench/results/soak-<timestamp>.json.
 */
import os from 'node:os';
import { sampleMeeting } from '../emulators/fathom-sample-meeting';
import { cardActions } from '../slack/action-ids';
import { meetingWorkflowId } from '../workflows/messages';
import { startBenchStack, type BenchStack } from './lib/bench-stack';
import { postRaw } from './lib/http';
import { SlackCards } from './lib/slack-cards';
import { signedClick, type ClickTarget } from './lib/slack-traffic';
import { numberFromEnv, printTable, round, summarize, writeResults, type Row } from './lib/stats';
import { deliverFathomWebhook } from './lib/webhook-meetings';

/** Recording ids of soak meetings: apart from the benchmarks' (7,000,000 + n and 8,000,000 + n). */
const FIRST_RECORDING_ID = 9_000_000;
const MIB = 1024 * 1024;
/** How long a meeting may take from webhook to completed workflow before it counts as stuck. */
const STUCK_AFTER_MS = numberFromEnv('SOAK_STUCK_AFTER_SECONDS', 180) * 1000;
/** Most recently completed meetings whose (final) history is described at each sample. */
const HISTORY_SAMPLE = 10;

/**
 * Growth allowed per hour after warm-up, per series. A leak grows with the number of meetings
 * handled; these bound what noise (GC timing, allocator arenas) does over a run. `noise` is the
 * fitted growth over the whole window that counts as none (a pool between 4 and 5 connections, a
 * GC): a short run's slope per hour extrapolates such steps into a trend.
 */
const slopeLimitsPerHour: Record<string, { limit: number; noise: number; unit: string }> = {
  workerRssMiB: { limit: 64, noise: 16, unit: 'MiB' },
  workerHeapUsedMiB: { limit: 32, noise: 16, unit: 'MiB' },
  workerHandles: { limit: 20, noise: 2, unit: 'handles' },
  apiRssMiB: { limit: 48, noise: 16, unit: 'MiB' },
  apiHeapUsedMiB: { limit: 24, noise: 16, unit: 'MiB' },
  apiHandles: { limit: 20, noise: 2, unit: 'handles' },
  postgresConnections: { limit: 4, noise: 1, unit: 'connections' },
  historyLength: { limit: 10, noise: 5, unit: 'events' },
  historyKiB: { limit: 16, noise: 2, unit: 'KiB' },
  ackP99Ms: { limit: 250, noise: 200, unit: 'ms' },
};
type Series = keyof typeof slopeLimitsPerHour;

interface Sample extends Partial<Record<Series, number>> {
  atSeconds: number;
  /** The machine's 1-minute load average: a latency trend means little if this moved (other work on the box). */
  loadAverage1m: number;
  meetingsStarted: number;
  meetingsCompleted: number;
}

interface Meeting {
  target: ClickTarget;
  workflowId: string;
  startedAt: number;
  completedAt?: number;
  error?: string;
}

async function main(): Promise<void> {
  const durationMs = numberFromEnv('SOAK_DURATION_MIN', 60) * 60_000;
  const warmUpMs = numberFromEnv('SOAK_WARMUP_MIN', Math.min(10, durationMs / 60_000 / 5)) * 60_000;
  const perMinute = numberFromEnv('SOAK_MEETINGS_PER_MIN', 12);
  const sampleMs = numberFromEnv('SOAK_SAMPLE_SECONDS', 30) * 1000;
  const stack = await startBenchStack();
  const operatorUrl = `http://127.0.0.1:${process.env.OPERATOR_PORT}`;
  const workerHealthUrl = `http://127.0.0.1:${process.env.WORKER_HEALTH_PORT}`;
  console.log(`[soak] ${durationMs / 60_000} min, ${perMinute} meetings/min, warm-up ${round(warmUpMs / 60_000)} min, sample every ${sampleMs / 1000} s (load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')})`);

  const cards = new SlackCards(stack.emulators.slack);
  const meetings: Meeting[] = [];
  const errors: string[] = [];
  let windowAcks: number[] = [];
  const allAcks: number[] = [];
  const lifecycles: Promise<void>[] = [];
  const started = Date.now();

  const click = async (meeting: Meeting, actionId: string): Promise<void> => {
    const request = signedClick(stack.signingSecret, stack.emulators.slack, meeting.target, `${meeting.target.recordingId}-${actionId}-${Date.now()}`, actionId);
    const sentAt = Date.now();
    const answer = await postRaw(`${stack.apiUrl}${request.path}`, request.headers, request.body);
    windowAcks.push(Date.now() - sentAt);
    allAcks.push(Date.now() - sentAt);
    if (answer.status !== 200) throw new Error(`${actionId} answered ${answer.status}`);
  };

  /** One meeting from webhook to completed workflow, as a rep who clicks everything. */
  const lifecycle = async (meeting: Meeting): Promise<void> => {
    const deadline = meeting.startedAt + STUCK_AFTER_MS;
    const workspace = stack.workspaces.find((candidate) => candidate.tenant.id === meeting.target.tenantId)!;
    const fathomMeeting = stack.emulators.fathom.addMeeting(sampleMeeting({ recording_id: Number(meeting.target.recordingId) }, { repEmail: workspace.rep.email }));
    await deliverFathomWebhook(stack, workspace, JSON.stringify(fathomMeeting));
    while (!cards.offersNote(meeting.target.recordingId)) {
      if (Date.now() > deadline) throw new Error('no card offering Log to CRM');
      await sleep(500);
    }
    for (const actionId of [cardActions.logNote, cardActions.createDraft, cardActions.scheduleEvent]) await click(meeting, actionId);
    let skipAt = Date.now() + 10_000;
    for (;;) {
      const status = (await stack.client.workflow.getHandle(meeting.workflowId).describe()).status.name;
      if (status === 'COMPLETED') return void (meeting.completedAt = Date.now());
      if (status !== 'RUNNING') throw new Error(`workflow ${status}`);
      if (Date.now() > deadline) throw new Error('not completed in time');
      // The event may wait for the rep's word on invitations: say "skip", as a rep would.
      if (Date.now() > skipAt) {
        await click(meeting, cardActions.skipInvitations);
        skipAt = Date.now() + 15_000;
      }
      await sleep(1000);
    }
  };

  const samples: Sample[] = [];
  const takeSample = async (): Promise<void> => {
    const [worker, api, postgresConnections, history] = await Promise.all([
      processMetrics(`${workerHealthUrl}/metrics`),
      processMetrics(`${operatorUrl}/metrics`),
      postgresConnectionCount(stack),
      historySizes(stack, meetings.filter((meeting) => meeting.completedAt).slice(-HISTORY_SAMPLE)),
    ]);
    const ackP99 = summarize(windowAcks).p99;
    windowAcks = [];
    const sample: Sample = {
      atSeconds: round((Date.now() - started) / 1000),
      loadAverage1m: round(os.loadavg()[0]!, 2),
      meetingsStarted: meetings.length,
      meetingsCompleted: meetings.filter((meeting) => meeting.completedAt).length,
      workerRssMiB: worker.rssMiB,
      workerHeapUsedMiB: worker.heapUsedMiB,
      workerHandles: worker.handles,
      apiRssMiB: api.rssMiB,
      apiHeapUsedMiB: api.heapUsedMiB,
      apiHandles: api.handles,
      postgresConnections,
      historyLength: history.length,
      historyKiB: history.kib,
      ...(Number.isFinite(ackP99) ? { ackP99Ms: ackP99 } : {}),
    };
    samples.push(sample);
    console.log(`[soak] ${JSON.stringify(sample)}`);
  };

  // The operator listener rate-limits by address: anything else hammering it from here (a CLI
  // retrying a 401) makes /metrics answer 429, which shows up here as a failed sample.
  const sampleFailed = (error: unknown): void => {
    const message = `sample at ${round((Date.now() - started) / 1000)} s: ${error instanceof Error ? error.message : String(error)}`;
    console.log(`[soak] ${message}`);
    errors.push(message);
  };
  const intervalMs = 60_000 / perMinute;
  let nextSampleAt = started + sampleMs;
  for (let next = started; Date.now() < started + durationMs; next += intervalMs) {
    const recordingId = String(FIRST_RECORDING_ID + meetings.length);
    const workspace = stack.workspaces[meetings.length % stack.workspaces.length]!;
    const meeting: Meeting = {
      target: { tenantId: workspace.tenant.id, teamId: workspace.teamId, userId: workspace.rep.slackUserId, channelId: stack.emulators.slack.directMessageChannel(workspace.rep.slackUserId), recordingId },
      workflowId: meetingWorkflowId(workspace.tenant.id, recordingId),
      startedAt: Date.now(),
    };
    meetings.push(meeting);
    lifecycles.push(
      lifecycle(meeting).catch((error: unknown) => {
        meeting.error = error instanceof Error ? error.message : String(error);
        errors.push(`${meeting.workflowId}: ${meeting.error}`);
      }),
    );
    while (Date.now() < next + intervalMs) {
      if (Date.now() >= nextSampleAt) {
        nextSampleAt += sampleMs;
        await takeSample().catch(sampleFailed);
      }
      await sleep(Math.max(1, Math.min(next + intervalMs, nextSampleAt) - Date.now()));
    }
  }
  console.log(`[soak] load stopped after ${meetings.length} meetings; waiting for the last ones to complete`);
  await Promise.all(lifecycles);
  await takeSample().catch(sampleFailed);

  const afterWarmUp = samples.filter((sample) => sample.atSeconds * 1000 >= warmUpMs);
  const trends: Row[] = Object.entries(slopeLimitsPerHour).map(([series, { limit, noise, unit }]) => {
    const points = afterWarmUp.flatMap((sample) => (sample[series as Series] === undefined ? [] : [[sample.atSeconds / 3600, sample[series as Series]!] as const]));
    const slope = leastSquaresSlope(points);
    const values = points.map(([, value]) => value);
    const hours = points.length > 1 ? points.at(-1)![0] - points[0]![0] : 0;
    const fittedGrowth = slope === undefined ? undefined : slope * hours;
    return {
      series,
      unit,
      first: values[0],
      last: values.at(-1),
      max: values.length ? Math.max(...values) : undefined,
      slopePerHour: slope === undefined ? undefined : round(slope, 2),
      limitPerHour: limit,
      fittedGrowth: fittedGrowth === undefined ? undefined : round(fittedGrowth, 2),
      noise,
      ok: slope === undefined || fittedGrowth === undefined ? false : slope <= limit || fittedGrowth <= noise,
    };
  });
  const stuck = meetings.filter((meeting) => !meeting.completedAt && !meeting.error).length;
  const completed = meetings.filter((meeting) => meeting.completedAt);
  const passed = errors.length === 0 && stuck === 0 && trends.every((row) => row.ok === true);
  printTable(`Soak: ${meetings.length} meetings over ${round(durationMs / 60_000)} min at ${perMinute}/min; slopes after ${round(warmUpMs / 60_000)} min warm-up`, trends);
  const loads = afterWarmUp.map((sample) => sample.loadAverage1m);
  if (loads.length) {
    console.log(`[soak] machine load average after warm-up: ${Math.min(...loads)}–${Math.max(...loads)} (slope ${round(leastSquaresSlope(afterWarmUp.map((sample) => [sample.atSeconds / 3600, sample.loadAverage1m] as const)) ?? 0, 2)} per hour); the ack p99 trend says something about the product only where this stayed level`);
  }
  const webhookToCompleted = summarize(completed.map((meeting) => meeting.completedAt! - meeting.startedAt));
  printTable('Soak: latencies (ms)', [
    { measure: 'click ack (all clicks)', ...summarize(allAcks) },
    { measure: 'webhook → workflow completed', ...webhookToCompleted },
  ]);
  console.log(`[soak] ${passed ? 'PASS' : 'FAIL'}: ${completed.length} completed, ${errors.length} errors, ${stuck} stuck${errors.length ? `\n  ${errors.slice(0, 20).join('\n  ')}` : ''}`);
  const file = writeResults('soak', {
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('SOAK_') || name.startsWith('BENCH_'))),
    passed,
    meetings: meetings.length,
    completed: completed.length,
    errors,
    stuck,
    slopeLimitsPerHour,
    trends,
    clickAck: summarize(allAcks),
    webhookToCompleted,
    samples,
  });
  console.log(`[soak] results: ${file}`);
  await stack.shutdown(passed ? 0 : 1, 'soak finished');
}

interface ProcessFigures {
  rssMiB: number;
  heapUsedMiB: number;
  handles: number;
}

/** Resident memory, heap in use and open handles from prom-client's default metrics. */
async function processMetrics(url: string): Promise<ProcessFigures> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const text = await response.text();
  const metric = (name: string): number => {
    const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].map((match) => Number(match[1]));
    if (values.length === 0) throw new Error(`${url} has no ${name}`);
    return values.reduce((sum, value) => sum + value, 0);
  };
  return {
    rssMiB: round(metric('process_resident_memory_bytes') / MIB),
    heapUsedMiB: round(metric('nodejs_heap_size_used_bytes') / MIB),
    handles: metric('nodejs_active_handles_total'),
  };
}

/** Every connection to the bench's Postgres, the app's pools and the bench's own alike. */
async function postgresConnectionCount(stack: BenchStack): Promise<number> {
  const rows = await stack.orm.em.fork().getConnection().execute<{ count: string }[]>('select count(*) as count from pg_stat_activity where backend_type = ?', ['client backend']);
  return Number(rows[0]?.count ?? 0);
}

/** Mean history length and size of completed meetings: final, so a later meeting's must not be longer. */
async function historySizes(stack: BenchStack, recent: Meeting[]): Promise<{ length?: number; kib?: number }> {
  const described = await Promise.all(
    recent.map((meeting) =>
      stack.client.workflow
        .getHandle(meeting.workflowId)
        .describe()
        .then((description) => description.raw.workflowExecutionInfo, () => undefined),
    ),
  );
  const infos = described.filter((info) => info !== undefined && info !== null);
  if (infos.length === 0) return {};
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    length: round(mean(infos.map((info) => Number(info.historyLength ?? 0)))),
    kib: round(mean(infos.map((info) => Number(info.historySizeBytes ?? 0))) / 1024),
  };
}

/** Slope of the least-squares line through the points (x in hours), or undefined with fewer than 3 points. */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number | undefined {
  if (points.length < 3) return undefined;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? undefined : covariance / variance;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error('[soak] failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
