/**
 * Benchmark 1, the Slack ack path: signed "Log to CRM" clicks at fixed arrival rates against the
 * real API (separate process, real worker behind it), beside two baselines measured in the same
 * run at the same rates over the same meetings:
 *   koa-noop  the same Koa app and route, built in this process, with the Temporal call replaced
 *             by a gateway whose `update` resolves at once (verification, parsing, tenant and
 *             actor lookups still run);
 *   temporal  the bare Temporal client call the route makes: startUpdate(logNote) until ACCEPTED
 *             (or rejected by the workflow's validator).
 * Every meeting gets one click first (warm-up, not measured), so every measured click is a
 * repeat the workflow rejects ("already done"): all three targets do the same work per click.
 * The first clicks are the accepted path at 20/s: where their time goes is profiled from the
 * meetings' histories and the workers' metrics (bench/lib/accept-timeline.ts, worker-probe.ts);
 * BENCH_ACK_FIRST_CLICKS_ONLY=1 stops after them. Before them, BENCH_FIRST_CLICK_WARMUP (20) of the
 * BENCH_ACK_MEETINGS are clicked once, not measured, so the step meets a worker whose click path has run.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { WorkflowUpdateStage } from '@temporalio/client';
import { createApiApp } from '../api/app';
import type { ApiDependencies } from '../api/http/dependencies';
import type { MeetingGateway, UpdateOutcome } from '../api/meetings/meeting-gateway';
import { listeningTenantDirectory } from '../db/tenant-directory-cache';
import { signActor } from '../runtime/actor-proof';
import { payloadCodecFor } from '../runtime/data-converter';
import { createLogger } from '../runtime/logger';
import { logNoteUpdate, meetingWorkflowId } from '../workflows/messages';
import type { BenchStack } from './lib/bench-stack';
import { profilingConfigured, toggleProfileWindows } from './lib/cpu-profile-windows';
import { ownEventLoopDelay, scrapedEventLoopDelay, type EventLoopDelay } from './lib/event-loop-delay';
import { postRaw } from './lib/http';
import { prepareMeetings } from './lib/meetings';
import { acceptBreakdown } from './lib/accept-timeline';
import { latencySummary, runOpenLoad, type OpenLoadRun } from './lib/open-load';
import { numberFromEnv, numberListFromEnv, printTable, type Row } from './lib/stats';
import { signedClick, type ClickTarget } from './lib/slack-traffic';
import { cpuSpent, sampleStackCpu, type CpuSample } from './lib/stack-cpu';
import { probeWorkers } from './lib/worker-probe';

type Target = 'api' | 'koa-noop' | 'temporal';
/** 'acked' = HTTP 200 / update accepted or rejected by the workflow; anything else is an error. */
type ClickOutcome = { acked: true } | { acked: false; error: string };

export interface AckPathResult {
  meetings: number;
  durationSeconds: number;
  warmupSeconds: number;
  apiProcesses: number;
  steps: Row[];
  goals: Row[];
  firstClickProfile: FirstClickProfile;
}

export interface FirstClickProfile {
  segments: Row[];
  answeredBeforeAccepted: number;
  slowest: Row[];
  workers: Row[];
}

/** A gateway whose every update is accepted at once: the route minus Temporal. */
function noOpGateway(): MeetingGateway {
  const accepted: UpdateOutcome = { status: 'accepted' };
  return { update: () => Promise.resolve(accepted) } as unknown as MeetingGateway;
}

async function startNoOpApi(stack: BenchStack): Promise<{ url: string; close(): Promise<void> }> {
  const { config } = stack;
  const directory = await listeningTenantDirectory(stack.orm, () => {});
  const deps: ApiDependencies = {
    orm: stack.orm,
    tenants: directory.tenants,
    gateway: noOpGateway(),
    secrets: stack.secrets,
    logger: createLogger({ level: 'error', base: { process: 'bench-noop-api' } }),
    slack: {
      signingSecret: config.slack.signingSecret,
      apiUrl: config.slack.apiUrl,
      responseUrlOrigins: config.slack.responseUrlHosts.map((host) => (host.includes('://') ? host : `https://${host}`)),
    },
    publicUrl: config.api.publicUrl,
    fathomApiUrl: config.fathom.apiUrl,
    maxBodyBytes: config.api.maxBodyBytes,
    payloadCodec: payloadCodecFor(config.payloadCodec),
    operator: config.operator,
    health: async () => ({ database: await stack.orm.isConnected() }),
  };
  const server: Server = await new Promise((resolve) => {
    const listening = createApiApp(deps).listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => directory.close()),
  };
}

function httpClicker(stack: BenchStack, baseUrl: string, targets: ClickTarget[], runLabel: string): (index: number) => Promise<ClickOutcome> {
  return async (index) => {
    const click = signedClick(stack.signingSecret, stack.emulators.slack, targets[index % targets.length]!, `${runLabel}-${index}`);
    const answer = await postRaw(`${baseUrl}${click.path}`, click.headers, click.body);
    return answer.status === 200 ? { acked: true } : { acked: false, error: answer.status ? `HTTP ${answer.status}` : (answer.error ?? 'no answer') };
  };
}

function temporalClicker(stack: BenchStack, targets: ClickTarget[], rejected: Set<number>): (index: number) => Promise<ClickOutcome> {
  return async (index) => {
    const target = targets[index % targets.length]!;
    const workflowId = meetingWorkflowId(target.tenantId, target.recordingId);
    // The very argument the API sends: the actor with its proof, signed per click as the gateway does.
    const claim = { tenantId: target.tenantId, slackUserId: target.userId, isAdmin: false };
    const actor = { ...claim, proof: signActor(stack.config.actorProofKey, { workflowId, ...claim }) };
    const handle = stack.client.workflow.getHandle(workflowId);
    try {
      const update = await handle.startUpdate(logNoteUpdate, { args: [{ actor }], waitForStage: WorkflowUpdateStage.ACCEPTED });
      // A rejected update's result fails at once; an accepted one's comes when the note is logged.
      update.result().catch(() => rejected.add(index));
      return { acked: true };
    } catch (error) {
      if ((error as { name?: string }).name === 'WorkflowUpdateFailedError') {
        rejected.add(index);
        return { acked: true };
      }
      return { acked: false, error: (error as Error).message?.slice(0, 120) ?? String(error) };
    }
  };
}

/**
 * Rejections the API sent to an acked click's response_url ("⚠️ That is already done."). A click
 * the generator gave up on may still be rejected later; it is counted as an error, not here.
 */
function apiRejections(stack: BenchStack, runLabel: string, run: OpenLoadRun<ClickOutcome>): { rejected: number; unavailable: number } {
  const acked = new Set(run.samples.filter((sample) => sample.outcome.acked).map((sample) => sample.index));
  let rejected = 0;
  let unavailable = 0;
  for (const post of stack.emulators.slack.responseUrlPosts()) {
    if (!post.id.startsWith(`${runLabel}-`) || !acked.has(Number(post.id.slice(runLabel.length + 1)))) continue;
    const text = JSON.stringify(post.body ?? '');
    if (/could not reach the workflow service/.test(text)) unavailable += 1;
    else rejected += 1;
  }
  return { rejected, unavailable };
}

/** What a step cost the machine besides its latencies: CPU per click by process, and event loop delays. */
interface StepProbe {
  /** 1-minute load average when the step started. */
  loadAverage: number;
  cpu: CpuSample;
  /** This process's loop: the generator's, and the serving loop of koa-noop and temporal. */
  benchLoop: EventLoopDelay;
  /** The API's loop (one process's, with API_PROCESSES > 1), read from its /metrics. */
  apiLoop?: EventLoopDelay;
}

/**
 * Runs one step with its probes around it (and, for the api target, a CPU profile window of the
 * API when the profiling preload is configured). `run` includes the settling after the last
 * answer, so after-answer work (the API's ephemeral replies) is in the step's CPU.
 */
async function probedStep<T>(target: Target, run: () => Promise<T>): Promise<{ result: T; probe: StepProbe }> {
  const apiMetricsUrl = `http://127.0.0.1:${process.env.OPERATOR_PORT}/metrics`;
  await scrapedEventLoopDelay(apiMetricsUrl); // the scrape resets the API's histogram: its window starts here
  // The API's profile during its step; this process's during the bare update's (the client is all it runs then, besides the generator).
  const profiled = target === 'koa-noop' ? undefined : target === 'api' ? 'api' : 'bench';
  if (profiled) toggleProfileWindows(profiled);
  const loadAverage = os.loadavg()[0]!;
  const cpuBefore = sampleStackCpu();
  const benchLoop = ownEventLoopDelay();
  const result = await run();
  const probe: StepProbe = { loadAverage, benchLoop: benchLoop.stop(), cpu: cpuSpent(cpuBefore, sampleStackCpu()) };
  if (profiled) toggleProfileWindows(profiled);
  probe.apiLoop = await scrapedEventLoopDelay(apiMetricsUrl);
  return { result, probe };
}

function stepRow(target: Target, run: OpenLoadRun<ClickOutcome>, rejected: number, unavailable = 0, probe?: StepProbe): Row {
  const acked = run.samples.filter((sample) => sample.outcome.acked).length;
  const errors = run.samples.length - acked;
  const latency = latencySummary(run.samples);
  const firstError = run.samples.find((sample) => !sample.outcome.acked)?.outcome;
  return {
    target,
    rate: run.ratePerSecond,
    sent: run.requested,
    sentRate: run.sentRate,
    doneRate: run.completedRate,
    p50: latency.p50,
    p90: latency.p90,
    p99: latency.p99,
    max: latency.max,
    acked,
    accepted: acked - rejected - unavailable,
    rejected,
    unavailable,
    errors,
    genLagMax: run.maxSendLagMs,
    firstError: firstError && !firstError.acked ? firstError.error : undefined,
    ...(probe ? probeColumns(target, run.requested, probe) : {}),
  };
}

/** CPU ms per click of each process, and the serving process's loop delay (the API's, or this process's for the baselines). */
function probeColumns(target: Target, clicks: number, probe: StepProbe): Row {
  const perClick = (ms: number) => Math.round((ms / clicks) * 100) / 100;
  const servingLoop = target === 'api' ? probe.apiLoop : probe.benchLoop;
  return {
    load1m: Math.round(probe.loadAverage * 10) / 10,
    'cpu/click api': perClick(probe.cpu.api),
    'cpu/click bench': perClick(probe.cpu.bench),
    'cpu/click temporal': perClick(probe.cpu.temporal),
    'cpu/click pg': perClick(probe.cpu.postgres),
    'cpu/click worker': perClick(probe.cpu.worker),
    'loop p99': servingLoop?.p99Ms,
    'loop max': servingLoop?.maxMs,
    'bench loop p99': probe.benchLoop.p99Ms,
  };
}

export async function runAckPathBenchmark(stack: BenchStack): Promise<AckPathResult> {
  const rates = numberListFromEnv('BENCH_ACK_RATES', [50, 100, 200, 400]);
  const durationSeconds = numberFromEnv('BENCH_ACK_DURATION_S', 30);
  const warmupSeconds = numberFromEnv('BENCH_WARMUP_S', 5);
  const meetingCount = Math.round(numberFromEnv('BENCH_ACK_MEETINGS', 200));
  const apiProcesses = Number(process.env.API_PROCESSES ?? '1');
  console.log(
    `[bench] ack path: rates ${rates.join(', ')}/s for ${durationSeconds} s each over ${meetingCount} meetings; ` +
      `API_PROCESSES=${apiProcesses} (the koa-noop and temporal baselines run in this one process)${profilingConfigured() ? `; CPU profiles (api steps: the API; temporal steps: this process) in ${process.env.CPU_PROFILE_DIR}` : ''}`,
  );

  // Taken from BENCH_ACK_MEETINGS, not added: more open meetings than the workers' cache holds
  // would make every click a replay (a run with 220 for a 206 cache: first clicks p50 1.4 s).
  const clickWarmupMeetings = Math.min(Math.round(numberFromEnv('BENCH_FIRST_CLICK_WARMUP', 20)), Math.floor(meetingCount / 2));
  const prepared = await prepareMeetings(stack, meetingCount, { label: 'ack-path meetings' });
  const targets = prepared.slice(clickWarmupMeetings);
  // The click path's first runs on a fresh worker compile its code (the update's handler and
  // validator in the workflow thread, the note's activity): a few meetings not measured are clicked
  // first, as a worker that has served some clicks is the one reps meet.
  if (clickWarmupMeetings > 0) await clickEachOnce(stack, prepared.slice(0, clickWarmupMeetings), 'warm-first');
  // First click on every meeting (accepted, logs its note), then a short warm-up of every target.
  const probe = await probeWorkers();
  const firstClicks = await clickEachOnce(stack, targets, 'first');
  // Until every note is logged: an update accepted after the API's ack budget is still this step's work.
  const firstClickWorkers = await probe.stop();
  const firstClickProfile = await firstClickBreakdown(stack, targets, firstClicks, firstClickWorkers);
  if (process.env.BENCH_ACK_FIRST_CLICKS_ONLY === '1') {
    const steps = [{ ...stepRow('api', firstClicks, 0), target: 'api (1st clicks)' }];
    const goals = ackGoals(steps);
    printTable('Slack ack path: goals (ratios within this run)', goals);
    return { meetings: meetingCount, durationSeconds: 0, warmupSeconds: 0, apiProcesses, steps, goals, firstClickProfile };
  }
  const noOpApi = await startNoOpApi(stack);
  const warmupRejected = new Set<number>();
  const warmupMs = warmupSeconds * 1000;
  await runOpenLoad({ ratePerSecond: 50, durationMs: warmupMs, request: httpClicker(stack, noOpApi.url, targets, 'warm-noop') });
  await runOpenLoad({ ratePerSecond: 50, durationMs: warmupMs, request: temporalClicker(stack, targets, warmupRejected) });
  await runOpenLoad({ ratePerSecond: 50, durationMs: warmupMs, request: httpClicker(stack, stack.apiUrl, targets, 'warm-api') });

  const steps: Row[] = [stepRow('api', firstClicks, 0)];
  steps[0]!.target = 'api (1st clicks)';
  const durationMs = durationSeconds * 1000;
  try {
    for (const rate of rates) {
      const noOp = await probedStep('koa-noop', () => runOpenLoad({ ratePerSecond: rate, durationMs, request: httpClicker(stack, noOpApi.url, targets, `noop-${rate}`) }));
      steps.push(stepRow('koa-noop', noOp.result, 0, 0, noOp.probe));
      const rejected = new Set<number>();
      const temporal = await probedStep('temporal', async () => {
        const run = await runOpenLoad({ ratePerSecond: rate, durationMs, request: temporalClicker(stack, targets, rejected) });
        await settle(200);
        return run;
      });
      steps.push(stepRow('temporal', temporal.result, rejected.size, 0, temporal.probe));
      const api = await probedStep('api', async () => {
        const run = await runOpenLoad({ ratePerSecond: rate, durationMs, request: httpClicker(stack, stack.apiUrl, targets, `api-${rate}`) });
        await repliesSettled(stack); // rejections reach response_url after the answer; let the last land
        return run;
      });
      const replies = apiRejections(stack, `api-${rate}`, api.result);
      steps.push(stepRow('api', api.result, replies.rejected, replies.unavailable, api.probe));
      printTable(`ack path at ${rate}/s (latency ms from intended send time; cpu ms per click by process)`, steps.slice(-3));
    }
  } finally {
    await noOpApi.close();
  }
  printTable('Slack ack path: signed "Log to CRM" clicks, open model, latency ms from intended send time', steps);
  const goals = ackGoals(steps);
  printTable('Slack ack path: goals (ratios within this run)', goals);
  return { meetings: meetingCount, durationSeconds, warmupSeconds, apiProcesses, steps, goals, firstClickProfile };
}

/** Where the accepted first clicks' time went: per segment of their histories, and the workers' own figures during the step. */
async function firstClickBreakdown(stack: BenchStack, targets: ClickTarget[], run: OpenLoadRun<ClickOutcome>, workers: Row[]): Promise<FirstClickProfile> {
  const breakdown = await acceptBreakdown(stack.client, targets, run.samples);
  const segments: Row[] = Object.entries(breakdown.segments).map(([segment, summary]) => ({ segment, ...summary }));
  printTable(`accepted first clicks: where the time went (${breakdown.clicks} clicks, ms from the intended send; from each meeting's history)`, segments);
  console.log(`answered before their update was accepted (the API's ack budget ran out): ${breakdown.answeredBeforeAccepted}`);
  printTable('accepted first clicks: the slowest, segment by segment (ms)', breakdown.slowest as unknown as Row[]);
  printTable('accepted first clicks: the workers during the step', workers);
  return { segments, answeredBeforeAccepted: breakdown.answeredBeforeAccepted, slowest: breakdown.slowest as unknown as Row[], workers };
}

/** API ack p99 ≤ 2× the bare update's p99 at each rate; accepted first clicks p99 ≤ 100 ms. */
function ackGoals(steps: Row[]): Row[] {
  const stepOf = (target: string, rate: unknown) => steps.find((step) => step.target === target && step.rate === rate);
  // A step with errors (shed load, no answer) has no meaningful p99: its goal is not met.
  const clean = (...measured: Row[]) => measured.every((step) => step.errors === 0);
  const goals: Row[] = [];
  for (const api of steps.filter((row) => row.target === 'api')) {
    const bare = stepOf('temporal', api.rate);
    if (!bare) continue;
    const [measured, baseline] = [api.p99 as number, bare.p99 as number];
    goals.push({
      goal: `api ack p99 ≤ 2× bare update p99 at ${api.rate}/s`,
      measured,
      baseline,
      ratio: Math.round((measured / baseline) * 100) / 100,
      met: clean(api, bare) && measured <= 2 * baseline,
    });
  }
  const first = stepOf('api (1st clicks)', 20);
  if (first) {
    const measured = first.p99 as number;
    goals.push({ goal: 'accepted first clicks p99 ≤ 100 ms at 20/s', measured, baseline: 100, ratio: Math.round(measured) / 100, met: clean(first) && measured <= 100 });
  }
  return goals;
}

/** A first "Log to CRM" click on each meeting at 20/s, then waits until each accepted click's note is logged. */
async function clickEachOnce(stack: BenchStack, targets: ClickTarget[], runLabel: string): Promise<OpenLoadRun<ClickOutcome>> {
  const notesBefore = stack.emulators.hubspot.notes().length;
  const run = await runOpenLoad({ ratePerSecond: 20, durationMs: (targets.length / 20) * 1000, request: httpClicker(stack, stack.apiUrl, targets, runLabel) });
  // A click the API refused (503 while its database was out of reach) logs no note; Slack would resend it.
  await waitForNotes(stack, notesBefore + run.samples.filter((sample) => sample.outcome.acked).length);
  return run;
}

async function waitForNotes(stack: BenchStack, count: number): Promise<void> {
  const deadline = performance.now() + 5 * 60_000;
  while (stack.emulators.hubspot.notes().length < count) {
    if (performance.now() > deadline) throw new Error(`only ${stack.emulators.hubspot.notes().length} of ${count} notes were logged`);
    await settle(100);
  }
}

/**
 * Until no ephemeral reply arrived for a second (at most 15 s): the API posts them after its
 * answers, and on a loaded machine late ones would count as accepted clicks.
 */
async function repliesSettled(stack: BenchStack): Promise<void> {
  const deadline = performance.now() + 15_000;
  let count = -1;
  while (count !== stack.emulators.slack.responseUrlPosts().length && performance.now() < deadline) {
    count = stack.emulators.slack.responseUrlPosts().length;
    await settle(1_000);
  }
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
