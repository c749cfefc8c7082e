/**
 * `npm run bench`: starts the bench stack once and runs the benchmarks named in BENCH_ONLY
 * (default: all), printing each table and writing each result to bench/results/. See README.md.
 */
import os from 'node:os';
import { runAckPathBenchmark } from './ack-path';
import { runClickToNoteBenchmark } from './click-to-note';
import { startBenchStack } from './lib/bench-stack';
import { writeResults } from './lib/stats';
import { runPipelineThroughputBenchmark } from './pipeline-throughput';
import { runScaleOutBenchmark } from './scale-out';
import { runStartUpBenchmark } from './start-up';
import { runWaitingWorkBenchmark } from './waiting-work';

const benchmarks = {
  'click-to-note': runClickToNoteBenchmark,
  'ack-path': runAckPathBenchmark,
  'pipeline-throughput': runPipelineThroughputBenchmark,
  'start-up': runStartUpBenchmark,
  'waiting-work': runWaitingWorkBenchmark,
  'scale-out': runScaleOutBenchmark,
} as const;
type BenchmarkName = keyof typeof benchmarks;

function selected(): BenchmarkName[] {
  const names = (process.env.BENCH_ONLY ?? Object.keys(benchmarks).join(',')).split(',').map((name) => name.trim());
  for (const name of names) {
    if (!Object.hasOwn(benchmarks, name)) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}.`);
  }
  return names as BenchmarkName[];
}

async function main(): Promise<void> {
  const names = selected();
  const stack = await startBenchStack();
  let exitCode = 0;
  for (const name of names) {
    try {
      const loadBefore = os.loadavg().map((load) => load.toFixed(2)).join(' ');
      console.log(`[bench] ${name}: starting (load average ${loadBefore})`);
      const result = await benchmarks[name](stack);
      console.log(`[bench] ${name} results: ${writeResults(name, { env: benchEnv(), loadAverageBefore: loadBefore, result })}`);
    } catch (error) {
      exitCode = 1;
      console.error(`[bench] ${name} failed:`, error instanceof Error ? error.stack : error);
    }
  }
  await stack.shutdown(exitCode, 'benchmarks finished');
}

/** The knobs of this run, stored with its figures. */
function benchEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_')) as [string, string][]);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
