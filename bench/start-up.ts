/**
 * Benchmark 5, start-up: how long a fresh worker process takes until it polls for workflow tasks,
 * with prebundled workflow code (WORKFLOW_BUNDLE_PATH, as a deployment built by
 * scripts/build-artifacts.ts runs it) and bundling the workflow code at start (the development
 * fallback), and how long a fresh API process takes until GET /healthz answers 200.
 *
 * Each process is started as start-local starts it (node with ts-node's transpile-only hook, the
 * same environment as the bench stack's own worker, read from /proc) next to the running stack.
 * A worker polls its own task queue so the stack's worker cannot be mistaken for it; "ready" is
 * Temporal listing a workflow poller on that queue, which is later than the worker's "Worker
 * started" log line and is what actually lets a meeting make progress. The transcript purge
 * schedule every worker ensures at start already exists, so these workers leave it unchanged.
 * Baseline: the time node with ts-node takes just to load worker.ts and its imports. Each process's
 * resident set size is read from /proc once it is ready (bundling at start leaves webpack's
 * memory behind).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { failureConverterPath } from '../runtime/data-converter';
import { describeExit, freePort, spawnWithPrefixedOutput, waitUntil, type ManagedProcess } from '../scripts/lib/processes';
import { workflowInterceptorModules, workflowsPath } from '../wiring/workflow-code';
import type { BenchStack } from './lib/bench-stack';
import { childPidRunning, processEnvironment, processMemory } from './lib/child-process-info';
import { getStatus } from './lib/http';
import { numberFromEnv, printTable, round, summarize, type Row } from './lib/stats';

const repoRoot = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 15_000;

type Variant = 'worker, loading its code only' | 'worker, prebundled' | 'worker, bundling at start' | 'api';
/** How start-local runs a TypeScript entry point. */
const TYPESCRIPT_NODE_ARGS = ['-r', 'ts-node/register/transpile-only'];
const apiEntryPoint = path.join('api', 'server.ts');

export interface StartUpResult {
  runs: number;
  bundleBuildMs: number;
  rows: Row[];
  samples: Record<Variant, StartSample[]>;
}

interface StartSample {
  readyMs: number;
  /** Resident set size once ready, MiB (not for the code-load baseline, which has exited). */
  rssMiB?: number;
}

export async function runStartUpBenchmark(stack: BenchStack): Promise<StartUpResult> {
  const runs = Math.round(numberFromEnv('BENCH_STARTUP_RUNS', 3));
  // The stack's own worker and API: their environment is the one start-local gives both.
  const stackPids = [childPidRunning('worker.ts'), childPidRunning(apiEntryPoint)];
  const stackEnv = processEnvironment(stackPids[0]!);
  const dataDir = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? path.join('.data', 'bench'));
  const bundlePath = path.join(dataDir, 'start-up-workflow-bundle.js');
  const bundleStarted = performance.now();
  const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: new DefaultLogger('WARN') });
  await fs.writeFile(bundlePath, bundle.code);
  const bundleBuildMs = round(performance.now() - bundleStarted);
  console.log(`[bench] start-up: ${runs} runs each; workflow bundle built in the bench process in ${bundleBuildMs} ms`);

  const samples: Record<Variant, StartSample[]> = { 'worker, loading its code only': [], 'worker, prebundled': [], 'worker, bundling at start': [], api: [] };
  // Its own operations ports: the stack's worker holds the ones in stackEnv.
  const worker = async (taskQueue: string, workflowBundlePath: string): Promise<StartSample> => {
    const env = { ...stackEnv, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: workflowBundlePath, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, WORKER_HEALTH_PORT: String(await freePort()) };
    return timeUntilReady('start-up worker', 'worker.ts', env, stackPids, `a workflow poller on ${taskQueue}`, () => hasWorkflowPoller(stack, taskQueue));
  };
  for (let run = 1; run <= runs; run++) {
    const prebundled = async (): Promise<void> => {
      samples['worker, prebundled'].push(await worker(`bench-start-up-prebundled-${run}-${Date.now()}`, bundlePath));
    };
    // A bundle path that does not exist makes worker.ts bundle at start (prebundledWorkflows()).
    const bundling = async (): Promise<void> => {
      samples['worker, bundling at start'].push(await worker(`bench-start-up-bundling-${run}-${Date.now()}`, path.join(dataDir, 'no-workflow-bundle.js')));
    };
    // Alternating which goes first, so neither always meets the warmer file cache.
    for (const variant of run % 2 === 1 ? [prebundled, bundling] : [bundling, prebundled]) await variant();
    samples['worker, loading its code only'].push(await codeLoad(stackEnv));
    samples.api.push(await api(stackEnv, stackPids));
  }
  const rows: Row[] = (Object.keys(samples) as Variant[]).map((variant) => {
    const ready = summarize(samples[variant].map((sample) => sample.readyMs));
    const rss = summarize(samples[variant].flatMap((sample) => (sample.rssMiB === undefined ? [] : [sample.rssMiB])));
    return { process: variant, runs: ready.count, readyP50: ready.p50, readyMax: ready.max, rssMiBP50: rss.p50 };
  });
  printTable(`Start-up: ms from spawn until ready (worker: a workflow poller on its task queue; code only: require('./worker') returned; api: GET /healthz 200), RSS once ready`, rows);
  return { runs, bundleBuildMs, rows, samples };
}

/** Baseline: node with ts-node loading worker.ts and everything it imports, without running it (main() only runs as the entry point). */
async function codeLoad(stackEnv: Record<string, string>): Promise<StartSample> {
  const started = performance.now();
  const child = spawnWithPrefixedOutput('start-up code load', process.execPath, [...TYPESCRIPT_NODE_ARGS, '-e', "require('./worker')"], { cwd: repoRoot, env: stackEnv });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`Loading worker.ts failed (${describeExit(exit)}).`);
  return { readyMs: round(performance.now() - started) };
}

async function api(stackEnv: Record<string, string>, stackPids: number[]): Promise<StartSample> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  const env = { ...stackEnv, API_PORT: String(port), OPERATOR_PORT: String(await freePort()) };
  return timeUntilReady('start-up api', apiEntryPoint, env, stackPids, `${url} to answer 200`, async () => (await getStatus(url)) === 200);
}

/** Spawns `entryPoint` as start-local does, times it until `isReady`, reads its RSS, and always stops it. */
async function timeUntilReady(
  name: string,
  entryPoint: string,
  env: Record<string, string>,
  stackPids: number[],
  description: string,
  isReady: () => Promise<boolean>,
): Promise<StartSample> {
  const started = performance.now();
  const child: ManagedProcess = spawnWithPrefixedOutput(name, process.execPath, [...TYPESCRIPT_NODE_ARGS, entryPoint], { cwd: repoRoot, env });
  try {
    await waitUntil(description, isReady, { timeoutMs: READY_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS, process: child });
    const readyMs = round(performance.now() - started);
    return { readyMs, rssMiB: round(processMemory(childPidRunning(entryPoint, stackPids)).rssMiB) };
  } finally {
    await child.stop(STOP_GRACE_MS);
  }
}

async function hasWorkflowPoller(stack: BenchStack, taskQueue: string): Promise<boolean> {
  const description = await stack.client.workflowService.describeTaskQueue({
    namespace: stack.config.temporal.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return description.pollers.length > 0;
}
