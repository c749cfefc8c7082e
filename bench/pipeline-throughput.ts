/**
 * Benchmark 3, pipeline throughput: whole meetings finished per minute with a rising number of
 * meetings in flight at once (closed loop: each of `concurrency` lanes starts its next meeting
 * when its last one is done), for two targets measured alternately on the same Temporal server:
 *
 * - `pipeline`: the real thing. The rep's signed Fathom webhook to the API (transcript included,
 *   as the app registers its webhooks), the card in the Slack emulator, clicks on "Log to CRM",
 *   "Create Gmail draft" and "Schedule follow-up" through the API; done once the workflow's
 *   status query shows note, draft and event done.
 * - `noop`: the same workflow code on its own task queue, run by a worker in this process whose
 *   activities do nothing (bench/lib/noop-activities.ts), driven through the Temporal client
 *   directly, so without the API hop: workflow.start with the input the webhook route gives, ready
 *   when its (no-op) card is published, then executeUpdate note, draft and event at once.
 *
 * The gap between the two is what the activities and the API cost per meeting.
 */
import os from 'node:os';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { sampleMeeting } from '../emulators/fathom-sample-meeting';
import type { EmulatedWorkspace } from '../emulators/seed-workspace';
import { encryptedDataConverter, payloadCodecFor } from '../runtime/data-converter';
import { connectTemporalWorker } from '../wiring/temporal-connection';
import { cardActions } from '../slack/action-ids';
import { maxCachedWorkflows } from '../worker';
import { workflowInterceptorModules, workflowsPath } from '../wiring/workflow-code';
import { workflowSpanSinks } from '../wiring/worker-tracing';
import { tracingOff } from '../runtime/tracing';
import { meetingFollowUp } from '../workflows';
import { createEmailDraftUpdate, logNoteUpdate, meetingStartSearchAttributes, meetingWorkflowId, scheduleFollowUpUpdate, statusQuery } from '../workflows/messages';
import { coreActionKinds, type Actor, type MeetingState } from '../domain/meeting';
import { type MeetingWorkflowInput } from '../workflows/messages';
import type { BenchStack } from './lib/bench-stack';
import { installBenchRuntime } from './lib/bench-runtime';
import { postRaw } from './lib/http';
import { createNoopActivities, outsideCallsPerActivity } from './lib/noop-activities';
import { cpuSpent, sampleStackCpu, type CpuPart, type CpuSample } from './lib/stack-cpu';
import { startTrivialHttpServer, type TrivialHttpServer } from './lib/trivial-http-server';
import { deliverFathomWebhook } from './lib/webhook-meetings';
import { SlackCards } from './lib/slack-cards';
import { signedClick, type ClickTarget } from './lib/slack-traffic';
import { numberFromEnv, numberListFromEnv, printTable, round, summarize, type Row } from './lib/stats';
import { priorityKeys, tenantDispatch } from '../domain/task-dispatch';

const NOOP_TASK_QUEUE = 'bench-noop-meeting-followup';
/** Recording ids of these meetings: apart from bench/lib/meetings.ts' (7,000,000 + n) and webhook-meetings.ts' (8,000,000 + n). */
const FIRST_RECORDING_ID = 9_000_000;
const CARD_CHECK_MS = 50;
const AFTER_ERROR_MS = 1000;
const WARMUP_CONCURRENCY = 5;
const HOUR_MS = 60 * 60_000;
const clickedButtons = [cardActions.logNote, cardActions.createDraft, cardActions.scheduleEvent];
let nextMeeting = 0;
/**
 * Status queries the pipeline target has sent: the no-op learns "done" from its updates' results,
 * while the API answers a click once it is accepted, so the pipeline asks the workflow. Each query is
 * a round trip through Temporal to the worker that the no-op does not pay; counted per meeting.
 */
let statusQueries = 0;

type TargetName = 'noop' | 'pipeline';

interface MeetingTiming {
  startedAt: number;
  /** Card published with its buttons: the rep can click. */
  readyAt: number;
  /** Note, draft and event done. */
  doneAt: number;
}

type RunMeeting = (workspace: EmulatedWorkspace, recordingId: string, deadline: number) => Promise<MeetingTiming>;

interface StepOutcome {
  target: TargetName;
  concurrency: number;
  durationMs: number;
  /** Every meeting of the step that finished, drain included. */
  finished: number;
  /** Meetings finished before the step's end; meetings still in flight then finish (drain) but do not count here. */
  finishedInWindow: number;
  perMinute: number;
  row: Row;
  errors: string[];
  /** CPU ms per finished meeting (drain included) of this process and each of the stack's processes. */
  cpuPerMeeting: CpuSample;
}

export interface PipelineThroughputResult {
  concurrencies: number[];
  stepSeconds: number;
  rows: Row[];
  comparison: Row[];
  peak: { noopPerMinute: number; pipelinePerMinute: number; pipelinePercentOfNoop: number };
  goalMet: boolean;
  /** Calls the worker made to the Fathom API during the pipeline steps (0: the webhook carried the transcript). */
  fathomApiCalls: number;
  sideEffects: { crmNotes: number; gmailDrafts: number; calendarEvents: number; pipelineMeetingsFinished: number };
  /** Per finished meeting: the emulators' requests in the pipeline steps (by service and route), and the no-op's calls to the trivial server. */
  outsideCallsPerMeeting: { pipeline: Record<string, number>; pipelineTotal: number; noop: number };
  errorSamples: Record<string, string[]>;
}

export async function runPipelineThroughputBenchmark(stack: BenchStack): Promise<PipelineThroughputResult> {
  const concurrencies = numberListFromEnv('BENCH_PIPELINE_CONCURRENCY', [5, 10, 20, 40]).map(Math.round);
  const stepMs = numberFromEnv('BENCH_PIPELINE_DURATION_S', 40) * 1000;
  const warmupMs = numberFromEnv('BENCH_PIPELINE_WARMUP_S', 10) * 1000;
  const meetingTimeoutMs = numberFromEnv('BENCH_PIPELINE_MEETING_TIMEOUT_S', 120) * 1000;
  const pollMs = numberFromEnv('BENCH_PIPELINE_POLL_MS', 250);
  console.log(`[bench] pipeline throughput: concurrency ${concurrencies.join(', ')}, ${stepMs / 1000} s per step and target, over ${stack.workspaces.length} workspaces`);

  const noopCards = new NoopCards();
  const slackCards = new SlackCards(stack.emulators.slack);
  const trivialServer = await startTrivialHttpServer();
  let noopOutsideCalls = 0;
  const countedOutsideCall = async () => {
    noopOutsideCalls++;
    await trivialServer.call();
  };
  const stopNoopWorker = await startNoopWorker(stack, noopCards, countedOutsideCall);
  const targets: Record<TargetName, RunMeeting> = {
    noop: (workspace, recordingId, deadline) => runNoopMeeting(stack, noopCards, workspace, recordingId, deadline),
    pipeline: (workspace, recordingId, deadline) => runPipelineMeeting(stack, slackCards, workspace, recordingId, deadline, pollMs),
  };
  const sideEffectsBefore = countSideEffects(stack);
  let fathomApiCalls = 0;
  let pipelineMeetingsFinished = 0;
  // Meetings of the measured steps only (warm-up excluded), the denominators of the calls per meeting.
  let pipelineStepMeetings = 0;
  let noopMeetingsFinished = 0;
  let noopStepOutsideCalls = 0;
  const pipelineOutsideRequests = new Map<string, number>();
  const outcomes: StepOutcome[] = [];
  try {
    for (const name of ['noop', 'pipeline'] as const) {
      const warmup = await runStep(stack, name, targets[name], WARMUP_CONCURRENCY, warmupMs, meetingTimeoutMs);
      if (name === 'pipeline') pipelineMeetingsFinished += warmup.finished;
      console.log(`[bench] pipeline throughput: ${name} warm-up, ${warmup.finishedInWindow} meetings in ${warmupMs / 1000} s, ${warmup.errors.length} errors (not reported)`);
    }
    for (const concurrency of concurrencies) {
      for (const name of ['noop', 'pipeline'] as const) {
        const fathomBefore = stack.emulators.fathom.requests.length;
        const requestsBefore = emulatorRequestCounts(stack);
        const noopCallsBefore = noopOutsideCalls;
        const outcome = await runStep(stack, name, targets[name], concurrency, stepMs, meetingTimeoutMs);
        if (name === 'pipeline') {
          fathomApiCalls += stack.emulators.fathom.requests.length - fathomBefore;
          pipelineMeetingsFinished += outcome.finished;
          pipelineStepMeetings += outcome.finished;
          for (const [route, count] of newRequestsByRoute(stack, requestsBefore)) pipelineOutsideRequests.set(route, (pipelineOutsideRequests.get(route) ?? 0) + count);
        } else {
          noopMeetingsFinished += outcome.finished;
        }
        if (name === 'noop') noopStepOutsideCalls += noopOutsideCalls - noopCallsBefore;
        outcomes.push(outcome);
        console.log(`[bench] pipeline throughput: ${name} at ${concurrency} in flight: ${outcome.perMinute.toFixed(1)} meetings/min, ${outcome.errors.length} errors`);
      }
    }
  } finally {
    await stopNoopWorker();
    await trivialServer.close();
  }
  const sideEffectsAfter = countSideEffects(stack);

  const rows = outcomes.map((outcome) => outcome.row);
  const comparison = concurrencies.map((concurrency): Row => {
    const rate = (target: TargetName) => outcomes.find((outcome) => outcome.target === target && outcome.concurrency === concurrency)!.perMinute;
    return { 'in flight': concurrency, 'noop /min': round(rate('noop')), 'pipeline /min': round(rate('pipeline')), 'pipeline % of noop': round((100 * rate('pipeline')) / rate('noop')) };
  });
  const peakOf = (target: TargetName) => Math.max(...outcomes.filter((outcome) => outcome.target === target).map((outcome) => outcome.perMinute));
  const peak = { noopPerMinute: round(peakOf('noop')), pipelinePerMinute: round(peakOf('pipeline')), pipelinePercentOfNoop: round((100 * peakOf('pipeline')) / peakOf('noop')) };
  comparison.push({ 'in flight': 'peak', 'noop /min': peak.noopPerMinute, 'pipeline /min': peak.pipelinePerMinute, 'pipeline % of noop': peak.pipelinePercentOfNoop });

  printTable(
    `Pipeline throughput: closed loop, ${stepMs / 1000} s per step; latency in ms from start to note, draft and event done ` +
      '(pipeline: Fathom webhook → API → card → 3 clicks through the API; noop: Temporal client directly, no API hop, no-op activities)',
    rows,
  );
  printTable('Pipeline vs no-op activities, meetings finished per minute (goal: pipeline ≥ 70 % of noop)', comparison);
  const sideEffects = {
    crmNotes: sideEffectsAfter.crmNotes - sideEffectsBefore.crmNotes,
    gmailDrafts: sideEffectsAfter.gmailDrafts - sideEffectsBefore.gmailDrafts,
    calendarEvents: sideEffectsAfter.calendarEvents - sideEffectsBefore.calendarEvents,
    pipelineMeetingsFinished,
  };
  console.log(`[bench] pipeline throughput: Fathom API calls during pipeline steps ${fathomApiCalls}; side effects ${JSON.stringify(sideEffects)}`);
  const perPipelineMeeting = (count: number) => round(count / Math.max(1, pipelineStepMeetings));
  const outsideCallsPerMeeting = {
    pipeline: Object.fromEntries([...pipelineOutsideRequests].sort(([a], [b]) => a.localeCompare(b)).map(([route, count]) => [route, perPipelineMeeting(count)])),
    pipelineTotal: perPipelineMeeting([...pipelineOutsideRequests.values()].reduce((sum, count) => sum + count, 0)),
    noop: round(noopStepOutsideCalls / Math.max(1, noopMeetingsFinished)),
  };
  console.log(
    `[bench] pipeline throughput: outside calls per meeting, pipeline ${outsideCallsPerMeeting.pipelineTotal} (emulators, API replies included) vs noop ${outsideCallsPerMeeting.noop} ` +
      `(trivial server, ${JSON.stringify(outsideCallsPerActivity)}); pipeline by route ${JSON.stringify(outsideCallsPerMeeting.pipeline)}`,
  );
  printTable(
    'CPU ms per finished meeting, by process (bench = load generator + emulators + no-op worker; under load from other processes the figures are still per meeting)',
    outcomes.map((outcome): Row => ({ target: outcome.target, 'in flight': outcome.concurrency, ...roundedCpu(outcome.cpuPerMeeting) })),
  );
  return {
    concurrencies,
    stepSeconds: stepMs / 1000,
    rows,
    comparison,
    peak,
    goalMet: peak.pipelinePercentOfNoop >= 70,
    fathomApiCalls,
    sideEffects,
    outsideCallsPerMeeting,
    errorSamples: Object.fromEntries(outcomes.filter((outcome) => outcome.errors.length > 0).map((outcome) => [`${outcome.target}@${outcome.concurrency}`, outcome.errors.slice(0, 5)])),
  };
}

/** `concurrency` lanes, each running one meeting after another until `durationMs` is over; then the meetings in flight finish. */
async function runStep(stack: BenchStack, target: TargetName, run: RunMeeting, concurrency: number, durationMs: number, meetingTimeoutMs: number): Promise<StepOutcome> {
  const cpuBefore = sampleStackCpu();
  const transactionsBefore = await databaseTransactions(stack);
  const queriesBefore = statusQueries;
  const endsAt = Date.now() + durationMs;
  const timings: MeetingTiming[] = [];
  const errors: string[] = [];
  const lane = async (): Promise<void> => {
    while (Date.now() < endsAt) {
      const number = nextMeeting++;
      // Meetings take turns over the workspaces, so no rep's Fathom or CRM limits pace them.
      const workspace = stack.workspaces[number % stack.workspaces.length]!;
      try {
        timings.push(await run(workspace, String(FIRST_RECORDING_ID + number), Date.now() + meetingTimeoutMs));
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        await sleep(AFTER_ERROR_MS);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const cpu = cpuSpent(cpuBefore, sampleStackCpu());
  const transactions = (await databaseTransactions(stack)) - transactionsBefore;
  const cpuPerMeeting = Object.fromEntries(Object.entries(cpu).map(([part, ms]) => [part, ms / Math.max(1, timings.length)])) as CpuSample;
  const finishedInWindow = timings.filter((timing) => timing.doneAt <= endsAt).length;
  const perMinute = finishedInWindow / (durationMs / 60_000);
  const latency = summarize(timings.map((timing) => timing.doneAt - timing.startedAt));
  const ready = summarize(timings.map((timing) => timing.readyAt - timing.startedAt));
  const row: Row = {
    target,
    'in flight': concurrency,
    finished: finishedInWindow,
    'per min': round(perMinute),
    'ready p50': ready.p50,
    p50: latency.p50,
    p90: latency.p90,
    p99: latency.p99,
    max: latency.max,
    errors: errors.length,
    'status queries/meeting': round((statusQueries - queriesBefore) / Math.max(1, timings.length)),
    'CPU ms/meeting': round(Object.values(cpuPerMeeting).reduce((sum, ms) => sum + ms, 0)),
    'DB transactions/meeting': round(transactions / Math.max(1, timings.length)),
    load1: os.loadavg()[0]!.toFixed(1),
  };
  return { target, concurrency, durationMs, finished: timings.length, finishedInWindow, perMinute, row, errors, cpuPerMeeting };
}

/** The real path: webhook, card, three clicks, all through the API and the real worker. */
async function runPipelineMeeting(stack: BenchStack, cards: SlackCards, workspace: EmulatedWorkspace, recordingId: string, deadline: number, pollMs: number): Promise<MeetingTiming> {
  const startedAt = Date.now();
  // Not added to the Fathom emulator: the webhook carries the transcript, so no Fathom call is needed.
  const body = JSON.stringify(sampleMeeting({ recording_id: Number(recordingId) }, { repEmail: workspace.rep.email }));
  await deliverFathomWebhook(stack, workspace, body);
  while (!cards.offersNote(recordingId)) await waitBefore(deadline, CARD_CHECK_MS, () => 'card with its buttons');
  const readyAt = Date.now();
  const target: ClickTarget = {
    tenantId: workspace.tenant.id,
    teamId: workspace.teamId,
    userId: workspace.rep.slackUserId,
    channelId: stack.emulators.slack.directMessageChannel(workspace.rep.slackUserId),
    recordingId,
  };
  for (const actionId of clickedButtons) {
    const click = signedClick(stack.signingSecret, stack.emulators.slack, target, `pipeline-${recordingId}-${actionId}`, actionId);
    const clicked = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
    if (clicked.status !== 200) throw new Error(`click ${actionId} answered ${clicked.status} ${clicked.error ?? clicked.body.slice(0, 200)}`);
  }

  // Poll every max(pollMs, 10 % of the wait so far): at most ~10 % late, a few queries per meeting.
  const handle = stack.client.workflow.getHandle(meetingWorkflowId(workspace.tenant.id, recordingId));
  const clickedAt = Date.now();
  for (;;) {
    statusQueries++;
    const state = await handle.query(statusQuery).catch(() => undefined); // a slow worker: ask again
    if (state && coreActionsDone(state)) return { startedAt, readyAt, doneAt: Date.now() };
    await waitBefore(deadline, Math.max(pollMs, (Date.now() - clickedAt) / 10), () => `note, draft and event done (${state ? describeActions(state) : 'no answer to the status query'})`);
  }
}

/** The baseline: the same workflow through the Temporal client alone, activities doing nothing. */
async function runNoopMeeting(stack: BenchStack, cards: NoopCards, workspace: EmulatedWorkspace, recordingId: string, deadline: number): Promise<MeetingTiming> {
  const startedAt = Date.now();
  const { tenant } = workspace;
  // The input MeetingGateway.startMeeting (api/meetings/meeting-gateway.ts) builds for a webhook.
  const input: MeetingWorkflowInput = {
    tenantId: tenant.id,
    recordingId,
    repSlackUserId: workspace.rep.slackUserId,
    trigger: 'fathom-webhook',
    nudgeAfterMs: tenant.settings.nudgeAfterHours * HOUR_MS,
    expireAfterMs: tenant.settings.expireAfterDays * 24 * HOUR_MS,
    autoLogWhenConfident: tenant.settings.autoLogPolicy === 'when-confident',
    offeredActions: tenant.settings.offeredActions,
  };
  const handle = await stack.client.workflow.start(meetingFollowUp, {
    workflowId: meetingWorkflowId(tenant.id, recordingId),
    taskQueue: NOOP_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    typedSearchAttributes: meetingStartSearchAttributes(tenant.id),
    priority: tenantDispatch(tenant, priorityKeys.meeting),
    staticSummary: 'Meeting follow-up (fathom-webhook)',
  });
  await cards.waitForCard(recordingId, deadline);
  const readyAt = Date.now();
  // The rep's three clicks, each handed over at once; done when all three have run.
  const actor: Actor = { tenantId: tenant.id, slackUserId: workspace.rep.slackUserId, isAdmin: false };
  const actions = await Promise.all([
    handle.executeUpdate(logNoteUpdate, { args: [{ actor }] }),
    handle.executeUpdate(createEmailDraftUpdate, { args: [{ actor }] }),
    handle.executeUpdate(scheduleFollowUpUpdate, { args: [{ actor }] }),
  ]);
  const notDone = actions.find((action) => action.status !== 'done');
  if (notDone) throw new Error(`no-op action ended ${notDone.status}: ${notDone.failure?.message ?? ''}`);
  return { startedAt, readyAt, doneAt: Date.now() };
}

/** The no-op worker's cards: ready once the workflow publishes one awaiting the rep. */
class NoopCards {
  private readonly ready = new Set<string>();

  readonly published = (state: MeetingState): void => {
    if (state.status === 'awaiting-rep') this.ready.add(state.recordingId);
  };

  async waitForCard(recordingId: string, deadline: number): Promise<void> {
    while (!this.ready.has(recordingId)) await waitBefore(deadline, CARD_CHECK_MS, () => 'no-op card awaiting the rep');
  }
}

/** The baseline worker, in this process, on the stack's Temporal server and namespace with the app's data converter. */
async function startNoopWorker(stack: BenchStack, cards: NoopCards, outsideCall: TrivialHttpServer['call']): Promise<() => Promise<void>> {
  installBenchRuntime();
  const connection = await connectTemporalWorker(stack.config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: stack.config.temporal.namespace,
    taskQueue: NOOP_TASK_QUEUE,
    workflowsPath,
    interceptors: { workflowModules: workflowInterceptorModules },
    // The workflow tracing interceptor hands its spans to this sink; tracing is off in the benchmark.
    sinks: workflowSpanSinks(tracingOff('followup-worker')),
    activities: createNoopActivities({ onCardPublished: cards.published, outsideCall }),
    dataConverter: encryptedDataConverter(payloadCodecFor(stack.config.payloadCodec)),
    // The same workflow cache as the app's worker (worker.ts, createMeetingWorker).
    maxCachedWorkflows: maxCachedWorkflows(),
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}

/**
 * Transactions Postgres has counted in the app's database (each autocommit statement is one): per
 * meeting, a figure other processes' load does not change, unlike CPU time. Backends report their
 * counts within about a second, so a step's figure may miss its last second's.
 */
async function databaseTransactions(stack: BenchStack): Promise<number> {
  const [row] = await stack.orm.em
    .getConnection()
    .execute<{ transactions: string }[]>('select xact_commit + xact_rollback as transactions from pg_stat_database where datname = current_database()');
  return Number(row?.transactions ?? 0);
}

function coreActionsDone(state: MeetingState): boolean {
  return coreActionKinds.every((kind) => state.actions[kind].status === 'done');
}

function describeActions(state: MeetingState): string {
  return coreActionKinds
    .map((kind) => {
      const action = state.actions[kind];
      return `${kind} ${action.status}${action.failure ? `: ${action.failure.message}` : ''}`;
    })
    .join(', ');
}

const emulatorNames = ['slack', 'fathom', 'anthropic', 'google', 'hubspot'] as const;

function emulatorRequestCounts(stack: BenchStack): Record<(typeof emulatorNames)[number], number> {
  return Object.fromEntries(emulatorNames.map((name) => [name, stack.emulators[name].requests.length])) as Record<(typeof emulatorNames)[number], number>;
}

/** The emulators' requests since `before`, counted by service, method and path (ids folded). */
function newRequestsByRoute(stack: BenchStack, before: Record<(typeof emulatorNames)[number], number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of emulatorNames) {
    for (const request of stack.emulators[name].requests.slice(before[name])) {
      const route = `${name} ${request.method} ${request.path.replace(/\/[^/]*\d[^/]*/g, '/:id')}`;
      counts.set(route, (counts.get(route) ?? 0) + 1);
    }
  }
  return counts;
}

function roundedCpu(cpu: CpuSample): Row {
  const parts: CpuPart[] = ['bench', 'worker', 'api', 'temporal', 'postgres'];
  return Object.fromEntries(parts.map((part) => [part, round(cpu[part])]));
}

function countSideEffects(stack: BenchStack): { crmNotes: number; gmailDrafts: number; calendarEvents: number } {
  return { crmNotes: stack.emulators.hubspot.notes().length, gmailDrafts: stack.emulators.google.drafts().length, calendarEvents: stack.emulators.google.events().length };
}

/** Sleeps `ms`, or throws when that would pass the meeting's deadline. */
async function waitBefore(deadline: number, ms: number, waitingFor: () => string): Promise<void> {
  if (Date.now() + ms > deadline) throw new Error(`timed out waiting for ${waitingFor()}`);
  await sleep(ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
