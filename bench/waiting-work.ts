/**
 * Benchmark 4, scale of waiting work: grows the number of open meeting workflows waiting for
 * clicks to each of BENCH_WAITING_SIZES (default 1,000 then 10,000) and, at each size, measures
 * the worker's memory, the size of Postgres and of Temporal's database, and clicks on warm
 * meetings (the newest, still in the worker's workflow cache) and cold ones (the oldest, evicted
 * once more than WORKER_MAX_CACHED_WORKFLOWS meetings were touched after them, so the click makes
 * the worker replay their history): ack latency and time until the note reaches the HubSpot
 * emulator, one click at a time.
 *
 * Memory is the worker process's resident set from /proc (VmRSS now, VmHWM peak) beside its main
 * thread's V8 heap (used and total, from prom-client's default metrics on the worker's /metrics).
 * The rest of the resident set is native: the workflow thread's own V8 isolate (the workflow cache
 * lives there, invisible to the main thread's heap figures), Temporal core (Rust) and code.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import type { BenchStack } from './lib/bench-stack';
import { childPidRunning, processEnvironment, processMemory, type ProcessMemory } from './lib/child-process-info';
import { postRaw } from './lib/http';
import { noteMarker, signedClick, type ClickTarget } from './lib/slack-traffic';
import { numberFromEnv, numberListFromEnv, printTable, round, summarize, type Row } from './lib/stats';
import { maxCachedWorkflows } from '../worker';
import { WebhookMeetings, type AddProgress } from './lib/webhook-meetings';

const repoRoot = path.resolve(__dirname, '..');
const NOTE_PATH = /^\/crm\/v3\/objects\/notes$/;
const NOTE_TIMEOUT_MS = 120_000;
/** No new card for this long while meetings are pending: the pipeline is stuck, stop waiting. */
const STALL_MS = 180_000;
/** Seconds of creation before the rate is trusted enough to skip a size that would not fit the budget. */
const RATE_ESTIMATE_AFTER_S = 60;
/** Lets the worker finish what the last cards started before memory is read. */
const SETTLE_MS = 10_000;
const MEMORY_SAMPLES = 5;

export interface WaitingWorkResult {
  workerCacheSize: number;
  /** Bundling at start leaves webpack's memory in the worker (~100 MiB more RSS, see the start-up benchmark). */
  workflowCode: string;
  creationRatePerSecond?: number;
  sizes: Row[];
  clicks: Row[];
  skipped: string[];
}

interface TimedClick {
  ackMs: number;
  status: number;
  noteMs?: number;
}

export async function runWaitingWorkBenchmark(stack: BenchStack): Promise<WaitingWorkResult> {
  const sizes = numberListFromEnv('BENCH_WAITING_SIZES', [1000, 10_000]).map(Math.round);
  const budgetSeconds = numberFromEnv('BENCH_WAITING_BUDGET_S', 1800);
  const clicksPerKind = Math.round(numberFromEnv('BENCH_WAITING_CLICKS', 20));
  const concurrency = Math.round(numberFromEnv('BENCH_WAITING_CONCURRENCY', 50));
  const workerPid = childPidRunning('dist/worker.js', [], { first: true });
  const workerEnv = processEnvironment(workerPid);
  const workerCacheSize = maxCachedWorkflows(workerEnv, workerHeapLimitMiB(workerEnv));
  const workflowCode = workflowCodeOf(workerEnv);
  const workerMetricsUrl = `http://${workerEnv.WORKER_HEALTH_HOST ?? '127.0.0.1'}:${workerEnv.WORKER_HEALTH_PORT ?? '9465'}/metrics`;
  console.log(`[bench] waiting work: sizes ${sizes.join(', ')}, budget ${budgetSeconds} s per size, worker pid ${workerPid}, workflow cache ${workerCacheSize}, workflow code ${workflowCode}`);

  const meetings = new WebhookMeetings(stack);
  const clicked = new Set<ClickTarget>();
  const result: WaitingWorkResult = { workerCacheSize, workflowCode, sizes: [], clicks: [], skipped: [] };
  let creationSeconds = 0;
  let created = 0;
  const measureState = async (label: string, extra: Row = {}): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    result.sizes.push({ step: label, open: await openMeetingCount(stack), ...extra, ...(await memoryAndStorage(stack, workerPid, workerMetricsUrl)) });
  };

  await measureState('before');
  for (const size of sizes) {
    const needed = size - (await openMeetingCount(stack));
    if (needed > 0) {
      const knownRate = created > 0 ? created / creationSeconds : undefined;
      if (knownRate !== undefined && needed / knownRate > budgetSeconds) {
        skip(result, `${size}: ${needed} more meetings at ${knownRate.toFixed(1)}/s would take ~${Math.round(needed / knownRate)} s, over BENCH_WAITING_BUDGET_S=${budgetSeconds}`);
        continue;
      }
      const outcome = await meetings.add(needed, { concurrency, label: `waiting meetings → ${size}`, stopReason: budgetCheck(budgetSeconds, meetings) });
      created += outcome.ready;
      creationSeconds += outcome.seconds;
      result.creationRatePerSecond = round(created / creationSeconds, 2);
      console.log(`[bench] waiting work: ${outcome.ready} meetings ready in ${outcome.seconds.toFixed(0)} s (${(outcome.ready / outcome.seconds).toFixed(2)}/s)`);
      if (outcome.stoppedBecause) {
        skip(result, `${size}: ${outcome.stoppedBecause}`);
        continue;
      }
    }
    await measureState(String(size), { created: needed > 0 ? needed : 0, meetingsPerSecond: result.creationRatePerSecond });

    const unclicked = meetings.started.filter((target) => !clicked.has(target) && meetings.isReady(target));
    const warm = unclicked.slice(-clicksPerKind);
    const cold = unclicked.slice(0, Math.min(clicksPerKind, unclicked.length - warm.length));
    // A meeting is out of the cache once more than the cache's size of other workflows ran after it.
    const touchedAfterCold = cold.length === 0 ? 0 : meetings.started.length - 1 - meetings.started.indexOf(cold.at(-1)!);
    result.clicks.push(await clickRow(stack, String(size), 'warm (newest)', warm, clicked));
    if (touchedAfterCold > workerCacheSize) {
      result.clicks.push(await clickRow(stack, String(size), 'cold (oldest)', cold, clicked));
    } else {
      skip(result, `${size}, cold clicks: only ${touchedAfterCold} meetings started after the oldest unclicked ones, not more than the worker's cache (${workerCacheSize}); they may still be cached`);
    }
  }

  printTable(`Waiting work: open meeting workflows and what they cost (worker: ${workflowCode}, cache ${workerCacheSize}; RSS from /proc, main-thread V8 heap from its /metrics, native = RSS − heap total)`, result.sizes);
  printTable(`Clicks on warm vs cold (evicted) meetings, one at a time (ms)`, result.clicks);
  for (const reason of result.skipped) console.log(`  skipped: ${reason}`);
  return result;
}

function skip(result: WaitingWorkResult, reason: string): void {
  console.log(`[bench] waiting work: skipped ${reason}`);
  result.skipped.push(reason);
}

/** Stops creation when the budget would be exceeded (from the rate so far) or nothing progresses. */
function budgetCheck(budgetSeconds: number, meetings: WebhookMeetings): (progress: AddProgress) => string | undefined {
  let lastReady = 0;
  let lastProgressAt = Date.now();
  return ({ ready, wanted, elapsedSeconds }) => {
    if (ready > lastReady) {
      lastReady = ready;
      lastProgressAt = Date.now();
    }
    if (Date.now() - lastProgressAt > STALL_MS) return `no new card for ${STALL_MS / 1000} s (${ready}/${wanted} ready, ${meetings.started.length} started in all)`;
    if (elapsedSeconds > budgetSeconds) return `budget of ${budgetSeconds} s spent with ${ready}/${wanted} ready`;
    if (elapsedSeconds < RATE_ESTIMATE_AFTER_S || ready === 0) return undefined;
    const estimate = (wanted * elapsedSeconds) / ready;
    return estimate > budgetSeconds ? `${wanted} meetings at ${(ready / elapsedSeconds).toFixed(1)}/s would take ~${Math.round(estimate)} s, over BENCH_WAITING_BUDGET_S=${budgetSeconds}` : undefined;
  };
}

/** The worker's V8 heap limit as its NODE_OPTIONS set it (old space only), else this process's (same machine, same default). */
function workerHeapLimitMiB(workerEnv: Record<string, string>): number {
  const flag = /--max-old-space-size=(\d+)/.exec(workerEnv.NODE_OPTIONS ?? '');
  return flag ? Number(flag[1]) : v8.getHeapStatistics().heap_size_limit / 2 ** 20;
}

/** Whether the worker runs prebundled workflow code or bundled it at start, as worker.ts prebundledWorkflows() decides. */
function workflowCodeOf(workerEnv: Record<string, string>): string {
  const bundlePath = path.resolve(repoRoot, workerEnv.WORKFLOW_BUNDLE_PATH ?? 'workflow-bundle.js');
  return fs.existsSync(bundlePath) ? `prebundled (${path.relative(repoRoot, bundlePath)})` : 'bundled at start';
}

/** Open meeting workflows, from Temporal's visibility store (includes earlier benchmarks' meetings). */
async function openMeetingCount(stack: BenchStack): Promise<number> {
  const { count } = await stack.client.workflow.count('WorkflowType = "meetingFollowUp" AND ExecutionStatus = "Running"');
  return count;
}

async function memoryAndStorage(stack: BenchStack, workerPid: number, workerMetricsUrl: string): Promise<Row> {
  const samples: (ProcessMemory & WorkerHeap)[] = [];
  for (let sample = 0; sample < MEMORY_SAMPLES; sample++) {
    samples.push({ ...processMemory(workerPid), ...(await workerHeap(workerMetricsUrl)) });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const median = (pick: (sample: ProcessMemory & WorkerHeap) => number): number => round(summarize(samples.map(pick)).p50);
  const [{ bytes }] = await stack.orm.em.fork().getConnection().execute<[{ bytes: string }]>('select pg_database_size(current_database()) as bytes');
  return {
    workerRssMiB: median((sample) => sample.rssMiB),
    workerPeakRssMiB: round(samples.at(-1)!.peakRssMiB),
    heapUsedMiB: median((sample) => sample.heapUsedMiB),
    heapTotalMiB: median((sample) => sample.heapTotalMiB),
    nativeMiB: median((sample) => sample.rssMiB - sample.heapTotalMiB),
    postgresMiB: round(Number(bytes) / 2 ** 20),
    temporalDbMiB: round(temporalDatabaseBytes() / 2 ** 20),
  };
}

interface WorkerHeap {
  heapUsedMiB: number;
  heapTotalMiB: number;
}

/** The worker's main-thread V8 heap (process.memoryUsage(), as prom-client's default metrics publish it). */
async function workerHeap(metricsUrl: string): Promise<WorkerHeap> {
  const exposition = await (await fetch(metricsUrl)).text();
  const gauge = (name: string): number => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(exposition);
    if (!match) throw new Error(`${metricsUrl} has no ${name}`);
    return Number(match[1]) / 2 ** 20;
  };
  return { heapUsedMiB: gauge('nodejs_heap_size_used_bytes'), heapTotalMiB: gauge('nodejs_heap_size_total_bytes') };
}

/**
 * Temporal's storage in the data dir start-local uses: the dev server's SQLite file with its
 * write-ahead log (<data dir>/temporal), or the production server's databases (the `base` folder
 * of its Postgres, <data dir>/temporal-server/postgres: every database's files, without the WAL).
 */
function temporalDatabaseBytes(): number {
  const dataDir = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? path.join('.data', 'bench'));
  const sqliteDir = path.join(dataDir, 'temporal');
  if (fs.existsSync(sqliteDir)) return fs.readdirSync(sqliteDir).reduce((total, file) => total + fs.statSync(path.join(sqliteDir, file)).size, 0);
  return directoryBytes(path.join(dataDir, 'temporal-server', 'postgres', 'base'));
}

function directoryBytes(directory: string): number {
  return fs.readdirSync(directory, { withFileTypes: true }).reduce((total, entry) => {
    const entryPath = path.join(directory, entry.name);
    return total + (entry.isDirectory() ? directoryBytes(entryPath) : fs.statSync(entryPath).size);
  }, 0);
}

async function clickRow(stack: BenchStack, size: string, kind: string, targets: ClickTarget[], clicked: Set<ClickTarget>): Promise<Row> {
  const timed: TimedClick[] = [];
  for (const target of targets) {
    clicked.add(target);
    timed.push(await timedClick(stack, target));
  }
  const ack = summarize(timed.map((click) => click.ackMs));
  const note = summarize(timed.flatMap((click) => (click.noteMs === undefined ? [] : [click.noteMs])));
  return {
    size,
    meetings: kind,
    clicks: timed.length,
    ackP50: ack.p50,
    ackMax: ack.max,
    noteP50: note.p50,
    noteMax: note.max,
    errors: timed.filter((click) => click.status !== 200 || click.noteMs === undefined).length,
  };
}

/** One "Log to CRM" click through the API, and the time until its note's create request reaches HubSpot. */
async function timedClick(stack: BenchStack, target: ClickTarget): Promise<TimedClick> {
  const { hubspot } = stack.emulators;
  let scanned = hubspot.requests.length;
  const click = signedClick(stack.signingSecret, stack.emulators.slack, target, `waiting-${target.recordingId}`);
  const sentAt = performance.timeOrigin + performance.now();
  const answer = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
  const ackMs = performance.timeOrigin + performance.now() - sentAt;
  const deadline = Date.now() + NOTE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    for (; scanned < hubspot.requests.length; scanned++) {
      const request = hubspot.requests[scanned]!;
      if (request.method === 'POST' && NOTE_PATH.test(request.path) && noteMarker.exec(request.rawBody)?.[1] === target.recordingId) {
        return { ackMs: round(ackMs), status: answer.status, noteMs: round(request.at - sentAt) };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ackMs: round(ackMs), status: answer.status };
}
