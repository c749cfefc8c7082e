/**
 * Benchmark 4, scale of waiting work: grows the number of open meeting workflows waiting for
 * clicks to each of BENCH_WAITING_SIZES (default 1,000 then 10,000) and, at each size, measures
 * the worker's memory, the size of Postgres and of Temporal's database, and clicks on warm
 * meetings (the newest, still in the worker's workflow cache) and cold ones (the oldest, evicted
 * once more than WORKER_MAX_CACHED_WORKFLOWS meetings were touched after them, so the click makes
 * the worker replay their history): ack latency and time until the note reaches the HubSpot
 * emulator, one click at a time.
 *
 * Memory is the worker process's resident set from /proc (VmRSS now, VmHWM peak), split into the
 * main thread's V8 heap (activities), the workflow thread's (the SDK's own isolate, where cached
 * meetings live), code (mapped files) and native (the rest: Temporal core, gRPC buffers, malloc
 * arenas, thread stacks). Each heap is read inside its thread by bench/lib/thread-heap-probe.cjs.
 */
import fs from 'node:fs';
import path from 'node:path';
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
/** Share of the wanted meetings that must be ready for a size whose creation stopped to be measured anyway. */
const NEARLY_ALL_READY = 0.99;

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
  const heapProbeDir = workerEnv.HEAP_PROBE_DIR;
  if (!heapProbeDir) throw new Error('The worker has no HEAP_PROBE_DIR: bench-stack preloads the heap probe into it.');
  const workerCacheSize = maxCachedWorkflows(workerEnv, workerHeapLimitMiB(workerPid, heapProbeDir));
  const workflowCode = workflowCodeOf(workerEnv);
  console.log(`[bench] waiting work: sizes ${sizes.join(', ')}, budget ${budgetSeconds} s per size, worker pid ${workerPid}, workflow cache ${workerCacheSize}, workflow code ${workflowCode}`);

  const meetings = new WebhookMeetings(stack);
  const clicked = new Set<ClickTarget>();
  const result: WaitingWorkResult = { workerCacheSize, workflowCode, sizes: [], clicks: [], skipped: [] };
  let creationSeconds = 0;
  let created = 0;
  const measureState = async (label: string, extra: Row = {}): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    result.sizes.push({ step: label, open: await openMeetingCount(stack), ...extra, ...(await memoryAndStorage(stack, workerPid, heapProbeDir)) });
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
      // A few meetings stuck in preparation (activities timing out on a loaded machine) stall the
      // creation; the size is still measured when nearly all are ready, with the reason printed.
      if (outcome.stoppedBecause && outcome.ready < needed * NEARLY_ALL_READY) {
        skip(result, `${size}: ${outcome.stoppedBecause}`);
        continue;
      }
      if (outcome.stoppedBecause) console.log(`[bench] waiting work: measuring ${size} with ${outcome.ready}/${needed} ready: ${outcome.stoppedBecause}`);
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

  printTable(`Waiting work: open meeting workflows and what they cost (worker: ${workflowCode}, cache ${workerCacheSize}; RSS from /proc, heaps resident / used / live after the last full GC per isolate, code = mapped files, native = the rest)`, result.sizes);
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

/** The worker's V8 heap limit (heap_size_limit, which worker.ts sizes its cache from), as its main thread reports it. */
function workerHeapLimitMiB(workerPid: number, heapProbeDir: string): number {
  const report = JSON.parse(fs.readFileSync(path.join(heapProbeDir, `heap-${workerPid}-0.json`), 'utf8')) as { heap: { heap_size_limit: number } };
  return report.heap.heap_size_limit / 2 ** 20;
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

async function memoryAndStorage(stack: BenchStack, workerPid: number, heapProbeDir: string): Promise<Row> {
  const samples: WorkerMemory[] = [];
  for (let sample = 0; sample < MEMORY_SAMPLES; sample++) {
    samples.push(workerMemory(workerPid, heapProbeDir));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const median = (pick: (sample: WorkerMemory) => number): number => round(summarize(samples.map(pick)).p50);
  const [{ bytes }] = await stack.orm.em.fork().getConnection().execute<[{ bytes: string }]>('select pg_database_size(current_database()) as bytes');
  return {
    workerRssMiB: median((sample) => sample.rssMiB),
    workerPeakRssMiB: round(samples.at(-1)!.peakRssMiB),
    mainHeapMiB: median((sample) => sample.main.residentMiB),
    mainUsedMiB: median((sample) => sample.main.usedMiB),
    mainLiveMiB: median((sample) => sample.main.liveMiB),
    workflowHeapMiB: median((sample) => sample.workflow.residentMiB),
    workflowUsedMiB: median((sample) => sample.workflow.usedMiB),
    workflowLiveMiB: median((sample) => sample.workflow.liveMiB),
    nativeMiB: median((sample) => sample.anonRssMiB - sample.main.residentMiB - sample.workflow.residentMiB),
    codeMiB: median((sample) => sample.fileRssMiB),
    postgresMiB: round(Number(bytes) / 2 ** 20),
    temporalDbMiB: round(temporalDatabaseBytes() / 2 ** 20),
  };
}

/** One isolate's (or several's, summed) V8 heap: resident pages, used (live and garbage), live after the last full GC. */
interface HeapFigures {
  residentMiB: number;
  usedMiB: number;
  liveMiB: number;
}

interface WorkerMemory extends ProcessMemory {
  main: HeapFigures;
  /** The SDK's workflow threads (one with reuseV8Context, its default). */
  workflow: HeapFigures;
}

/**
 * The worker's resident set from /proc beside each thread's V8 heap, as bench/lib/thread-heap-probe.cjs
 * writes them (bench-stack preloads it into the worker): what is neither heap nor mapped files is
 * native (Temporal core, gRPC buffers, malloc arenas, thread stacks).
 */
function workerMemory(workerPid: number, heapProbeDir: string): WorkerMemory {
  const reports = fs
    .readdirSync(heapProbeDir)
    .filter((file) => file.startsWith(`heap-${workerPid}-`) && file.endsWith('.json'))
    .map((file) => JSON.parse(fs.readFileSync(path.join(heapProbeDir, file), 'utf8')) as HeapProbeReport);
  const figures = (threads: HeapProbeReport[]): HeapFigures => ({
    residentMiB: threads.reduce((total, thread) => total + thread.heap.total_physical_size, 0) / 2 ** 20,
    usedMiB: threads.reduce((total, thread) => total + thread.heap.used_heap_size, 0) / 2 ** 20,
    liveMiB: threads.reduce((total, thread) => total + (thread.usedAfterMajorGc ?? thread.heap.used_heap_size), 0) / 2 ** 20,
  });
  const main = reports.filter((report) => report.mainThread);
  if (main.length !== 1) throw new Error(`No heap report of the worker's main thread in ${heapProbeDir}: is the probe preloaded?`);
  return { ...processMemory(workerPid), main: figures(main), workflow: figures(reports.filter((report) => !report.mainThread)) };
}

interface HeapProbeReport {
  mainThread: boolean;
  heap: { total_physical_size: number; used_heap_size: number };
  usedAfterMajorGc?: number;
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
