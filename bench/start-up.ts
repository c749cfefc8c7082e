/**
 * Benchmark 5, start-up: how long a fresh worker process takes until it polls for workflow tasks,
 * and a fresh API process until GET /healthz answers 200, run as production runs them (compiled:
 * `node dist/worker.js` with the prebundled dist/workflow-bundle.js, `node dist/api/server.js`,
 * as the Dockerfile does) and, as the "before" baseline, as start-local used to (node with
 * ts-node's transpile-only hook on worker.ts and api/server.ts, the same bundle). The compiled
 * processes run twice: as they start in production, with the V8 code cache the stack's own worker
 * and API wrote once ready (runtime/code-cache.ts), and with CODE_CACHE=off, as before it.
 *
 * Each process is started next to the running stack with the environment of the stack's own
 * worker (read from /proc). A worker polls its own task queue so the stack's workers cannot be
 * mistaken for it; "ready" is Temporal listing a workflow poller on that queue, which is later
 * than the worker's "Worker started" log line and is what actually lets a meeting make progress.
 * The transcript purge schedule every worker ensures at start already exists, so these workers
 * leave it unchanged. Once ready, each process's resident set size is read from /proc and its V8
 * heap (used and total) from its own /metrics (prom-client's default metrics: the worker's health
 * listener, the API's operator listener).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { temporal } from '@temporalio/proto';
import { buildApp } from '../scripts/lib/app-build';
import { freePort, spawnWithPrefixedOutput, waitUntil, type ManagedProcess } from '../scripts/lib/processes';
import type { BenchStack } from './lib/bench-stack';
import { childPidRunning, processCpuMs, processEnvironment, processMemory } from './lib/child-process-info';
import { getStatus } from './lib/http';
import { numberFromEnv, printTable, round, summarize, type Row } from './lib/stats';

const repoRoot = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 180_000;
/**
 * How often readiness is asked, the figures' resolution: the API every 10 ms (before it listens the
 * kernel refuses the connection, which costs the starting process nothing), the worker every 50 ms
 * (each ask is an RPC to Temporal, which shares the CPUs with the starting worker).
 */
const API_POLL_INTERVAL_MS = 10;
const WORKER_POLL_INTERVAL_MS = 50;
const STOP_GRACE_MS = 15_000;
const MIB = 1024 * 1024;

type Variant =
  | 'worker, compiled'
  | 'worker, compiled, no code cache'
  | 'worker, ts-node (before)'
  | 'api, compiled'
  | 'api, compiled, no code cache'
  | 'api, ts-node (before)';
/** How start-local ran a TypeScript entry point before it ran compiled code. */
const TYPESCRIPT_NODE_ARGS = ['-r', 'ts-node/register/transpile-only'];

export interface StartUpResult {
  runs: number;
  rows: Row[];
  samples: Record<Variant, StartSample[]>;
}

interface StartSample {
  readyMs: number;
  /** CPU time (user + system, every thread) the process used until ready: what the wall time is made of on a quiet machine, and far less inflated by other load. */
  cpuMs: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
}

interface Launch {
  /** node's arguments before the entry point. */
  nodeArgs: string[];
  entryPoint: string;
  /** Added to the stack's environment. */
  env?: Record<string, string>;
}

/** The compiled processes without the V8 code cache (runtime/code-cache.ts), as they started before it. */
const WITHOUT_CODE_CACHE = { CODE_CACHE: 'off' };

export async function runStartUpBenchmark(stack: BenchStack): Promise<StartUpResult> {
  const runs = Math.round(numberFromEnv('BENCH_STARTUP_RUNS', 3));
  // Already built by the stack's start: this only checks that dist/ is current.
  const build = await buildApp();
  // The stack's own worker(s) and API: their environment is the one start-local gives both.
  const stackWorker = childPidRunning(build.workerEntry, [], { first: true });
  const stackPids = [stackWorker, childPidRunning(build.apiClusterEntry)];
  const stackEnv = { ...processEnvironment(stackWorker), WORKFLOW_BUNDLE_PATH: build.workflowBundlePath };
  const launches: Record<Variant, Launch> = {
    'worker, compiled': { nodeArgs: [], entryPoint: build.workerEntry },
    'worker, compiled, no code cache': { nodeArgs: [], entryPoint: build.workerEntry, env: WITHOUT_CODE_CACHE },
    'worker, ts-node (before)': { nodeArgs: TYPESCRIPT_NODE_ARGS, entryPoint: path.join(repoRoot, 'worker.ts') },
    'api, compiled': { nodeArgs: [], entryPoint: build.apiEntry },
    'api, compiled, no code cache': { nodeArgs: [], entryPoint: build.apiEntry, env: WITHOUT_CODE_CACHE },
    'api, ts-node (before)': { nodeArgs: TYPESCRIPT_NODE_ARGS, entryPoint: path.join(repoRoot, 'api', 'server.ts') },
  };
  console.log(`[bench] start-up: ${runs} runs each`);

  const samples = Object.fromEntries(Object.keys(launches).map((variant) => [variant, []])) as unknown as Record<Variant, StartSample[]>;
  const worker = async (variant: Variant, run: number): Promise<void> => {
    const taskQueue = `bench-start-up-${run}-${Date.now()}`;
    const healthPort = await freePort();
    // Its own operations ports: the stack's worker holds the ones in stackEnv.
    const env = { ...stackEnv, TEMPORAL_TASK_QUEUE: taskQueue, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, WORKER_HEALTH_PORT: String(healthPort) };
    samples[variant].push(
      await timeUntilReady(launches[variant], env, stackPids, { description: `a workflow poller on ${taskQueue}`, isReady: () => hasWorkflowPoller(stack, taskQueue), intervalMs: WORKER_POLL_INTERVAL_MS }, `http://127.0.0.1:${healthPort}/metrics`),
    );
  };
  const api = async (variant: Variant): Promise<void> => {
    const [port, operatorPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}/healthz`;
    // Without the worker's NODE_OPTIONS (its heap limits, scripts/lib/worker-memory-settings.ts): the API runs without them.
    const env = { ...withoutKey(stackEnv, 'NODE_OPTIONS'), API_PORT: String(port), OPERATOR_PORT: String(operatorPort), API_PROCESSES: '1' };
    const readiness = { description: `${url} to answer 200`, isReady: async () => (await getStatus(url)) === 200, intervalMs: API_POLL_INTERVAL_MS };
    samples[variant].push(await timeUntilReady(launches[variant], env, stackPids, readiness, `http://127.0.0.1:${operatorPort}/metrics`));
  };
  for (let run = 1; run <= runs; run++) {
    // Alternating which goes first, so none always meets the warmer file cache.
    const order: Variant[][] = [
      ['worker, compiled', 'worker, compiled, no code cache', 'worker, ts-node (before)'],
      ['api, compiled', 'api, compiled, no code cache', 'api, ts-node (before)'],
    ];
    for (const pair of order) {
      for (const variant of run % 2 === 1 ? pair : [...pair].reverse()) await (variant.startsWith('worker') ? worker(variant, run) : api(variant));
    }
  }
  const rows: Row[] = (Object.keys(samples) as Variant[]).map((variant) => {
    const p50 = (pick: (sample: StartSample) => number) => summarize(samples[variant].map(pick)).p50;
    const ready = summarize(samples[variant].map((sample) => sample.readyMs));
    return {
      process: variant,
      runs: ready.count,
      readyP50: ready.p50,
      readyMax: ready.max,
      cpuMsP50: p50((sample) => sample.cpuMs),
      rssMiBP50: p50((sample) => sample.rssMiB),
      heapUsedMiBP50: p50((sample) => sample.heapUsedMiB),
      heapTotalMiBP50: p50((sample) => sample.heapTotalMiB),
    };
  });
  printTable(`Start-up: ms from spawn until ready (worker: a workflow poller on its task queue; api: GET /healthz 200), CPU ms the process used until then; RSS and V8 heap once ready`, rows);
  return { runs, rows, samples };
}

/** What ready means for a process, and how often to ask. */
interface Readiness {
  description: string;
  isReady: () => Promise<boolean>;
  intervalMs: number;
}

/** Spawns the launch, times it until it is ready, reads its memory, and always stops it. */
async function timeUntilReady(launch: Launch, env: Record<string, string>, stackPids: number[], readiness: Readiness, metricsUrl: string): Promise<StartSample> {
  const started = performance.now();
  const child: ManagedProcess = spawnWithPrefixedOutput('start-up', process.execPath, [...launch.nodeArgs, launch.entryPoint], { cwd: repoRoot, env: { ...env, ...launch.env } });
  try {
    await waitUntil(readiness.description, readiness.isReady, { timeoutMs: READY_TIMEOUT_MS, intervalMs: readiness.intervalMs, process: child });
    const readyMs = round(performance.now() - started);
    const pid = childPidRunning(launch.entryPoint, stackPids);
    const cpuMs = processCpuMs(pid) ?? Number.NaN;
    const rssMiB = round(processMemory(pid).rssMiB);
    const heap = await v8Heap(metricsUrl);
    return { readyMs, cpuMs, rssMiB, ...heap };
  } finally {
    await child.stop(STOP_GRACE_MS);
  }
}

function withoutKey(env: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== key));
}

/** prom-client's nodejs_heap_size_used_bytes and nodejs_heap_size_total_bytes, in MiB. */
async function v8Heap(metricsUrl: string): Promise<{ heapUsedMiB: number; heapTotalMiB: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const gauge = (name: string): number => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`${metricsUrl} has no ${name}.`);
    return round(Number(match[1]) / MIB);
  };
  return { heapUsedMiB: gauge('nodejs_heap_size_used_bytes'), heapTotalMiB: gauge('nodejs_heap_size_total_bytes') };
}

async function hasWorkflowPoller(stack: BenchStack, taskQueue: string): Promise<boolean> {
  const description = await stack.client.workflowService.describeTaskQueue({
    namespace: stack.config.temporal.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return description.pollers.length > 0;
}
