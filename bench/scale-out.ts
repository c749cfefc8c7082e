/**
 * Benchmark 6, scale-out: click throughput with 1, 2, 3 API processes (BENCH_SCALE_PROCESSES) on
 * one port, as `API_PROCESSES=n npm start` runs them (node dist/api/cluster.js). Each step starts
 * its own launcher next to the stack (the environment of the stack's API, read from /proc, on
 * free ports), waits for GET /healthz, and keeps BENCH_SCALE_CONCURRENCY signed "Log to CRM"
 * clicks in flight (closed loop) for BENCH_SCALE_SECONDS over the same prepared meetings. Every
 * meeting is clicked once first (not measured), so each measured click is a repeat the workflow
 * rejects as already done: the same work per click in every step. The stack's own worker and
 * Temporal serve all steps; the bench process (load generator) shares the same CPUs.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../scripts/lib/app-build';
import { freePort, spawnWithPrefixedOutput, waitUntil } from '../scripts/lib/processes';
import type { BenchStack } from './lib/bench-stack';
import { childPidRunning, processEnvironment } from './lib/child-process-info';
import { getStatus, postRaw } from './lib/http';
import { prepareMeetings } from './lib/meetings';
import { signedClick } from './lib/slack-traffic';
import { numberFromEnv, numberListFromEnv, printTable, round, summarize, type Row } from './lib/stats';

/** A step is saturated when one more process adds less than this share of throughput. */
const SATURATION_GAIN = 0.1;

export interface ScaleOutResult {
  cpus: number;
  steps: Row[];
  saturatesAt: number | null;
}

export async function runScaleOutBenchmark(stack: BenchStack): Promise<ScaleOutResult> {
  const processCounts = numberListFromEnv('BENCH_SCALE_PROCESSES', [1, 2, 3]);
  const concurrency = Math.round(numberFromEnv('BENCH_SCALE_CONCURRENCY', 16));
  const seconds = numberFromEnv('BENCH_SCALE_SECONDS', 10);
  const build = await buildApp();
  const stackEnv = processEnvironment(childPidRunning(build.apiClusterEntry));
  const targets = await prepareMeetings(stack, Math.round(numberFromEnv('BENCH_SCALE_MEETINGS', 20)), { label: 'scale-out meetings' });
  for (const target of targets) await postClick(stack, stack.apiUrl, target, 'warm-up');

  const steps: Row[] = [];
  for (const processes of processCounts) {
    const [port, operatorPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${port}`;
    const env = { ...stackEnv, API_PORT: String(port), OPERATOR_PORT: String(operatorPort), API_PROCESSES: String(processes) };
    const launcher = spawnWithPrefixedOutput(`scale-out api x${processes}`, process.execPath, [build.apiClusterEntry], { env });
    try {
      await waitUntil(`${apiUrl}/healthz to answer 200`, async () => (await getStatus(`${apiUrl}/healthz`)) === 200, { timeoutMs: 180_000, intervalMs: 200, process: launcher });
      // Until every process serves: each answers /healthz only once it is listening, so ask a few more times than there are processes.
      for (let check = 0; check < processes * 4; check++) await getStatus(`${apiUrl}/healthz`);
      const latencies: number[] = [];
      let errors = 0;
      const deadline = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async (_, lane) => {
          for (let index = lane; performance.now() < deadline; index += concurrency) {
            const sent = performance.now();
            const status = await postClick(stack, apiUrl, targets[index % targets.length]!, `scale-${processes}-${index}`);
            if (status === 200) latencies.push(performance.now() - sent);
            else errors += 1;
          }
        }),
      );
      const elapsedSeconds = (performance.now() - started) / 1000;
      const latency = summarize(latencies);
      steps.push({ apiProcesses: processes, clicksPerSecond: round(latencies.length / elapsedSeconds), p50Ms: latency.p50, p99Ms: latency.p99, errors, loadAverage: round(os.loadavg()[0]!) });
    } finally {
      await launcher.stop(15_000);
    }
  }
  const saturatesAt = saturation(steps);
  printTable(
    `Scale-out: answered clicks per second with n API processes (${concurrency} in flight, ${seconds} s each, ${os.cpus().length} CPUs)` +
      (saturatesAt === null ? '' : `; saturated from ${saturatesAt} processes (next one adds < ${SATURATION_GAIN * 100} %)`),
    steps,
  );
  return { cpus: os.cpus().length, steps, saturatesAt };
}

async function postClick(stack: BenchStack, apiUrl: string, target: Parameters<typeof signedClick>[2], id: string): Promise<number> {
  const request = signedClick(stack.signingSecret, stack.emulators.slack, target, id);
  return (await postRaw(`${apiUrl}${request.path}`, request.headers, request.body)).status;
}

/** The process count from which one more process adds less than SATURATION_GAIN throughput, if any. */
function saturation(steps: Row[]): number | null {
  for (let index = 1; index < steps.length; index++) {
    const before = Number(steps[index - 1]!.clicksPerSecond);
    if (Number(steps[index]!.clicksPerSecond) < before * (1 + SATURATION_GAIN)) return Number(steps[index - 1]!.apiProcesses);
  }
  return null;
}
