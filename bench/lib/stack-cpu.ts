/**
 * CPU time per part of the bench: this process (load generator, emulators, baseline workers) and
 * each of the stack's processes, read from /proc. A step's CPU per finished meeting shows where a
 * 2-core machine's time goes, and whether the emulators (in this process) rather than the product
 * separate the real pipeline from its no-op baseline.
 */
import { commandLineIncludes, descendantPids, processCpuMs } from './child-process-info';

export type CpuPart = 'bench' | 'worker' | 'api' | 'temporal' | 'postgres';

/**
 * How each of the stack's processes is recognised by its command line; the first match wins. The
 * stack runs the compiled `dist/worker.js` and `dist/api/cluster.js` (its forks share its command
 * line); the TypeScript entry points are there for a stack started from source.
 */
const partsByCommandLine: [CpuPart, string][] = [
  ['worker', 'worker.js'],
  ['worker', 'worker.ts'],
  ['api', 'dist/api/'],
  ['api', 'server.ts'],
  ['temporal', 'start-dev'],
  // The production server (BENCH_TEMPORAL / DRILL_TEMPORAL=server); its Postgres counts as postgres.
  ['temporal', 'bin/temporal-server'],
  ['postgres', 'postgres'],
];

export type CpuSample = Record<CpuPart, number>;

export function sampleStackCpu(): CpuSample {
  const usage = process.cpuUsage();
  const sample: CpuSample = { bench: (usage.user + usage.system) / 1000, worker: 0, api: 0, temporal: 0, postgres: 0 };
  for (const pid of descendantPids()) {
    const part = partsByCommandLine.find(([, fragment]) => commandLineIncludes(pid, fragment))?.[0];
    if (part) sample[part] += processCpuMs(pid) ?? 0;
  }
  return sample;
}

/** CPU ms per part between two samples; a part whose processes came and went may read low, never negative. */
export function cpuSpent(before: CpuSample, after: CpuSample): CpuSample {
  const spent = (part: CpuPart) => Math.max(0, after[part] - before[part]);
  return { bench: spent('bench'), worker: spent('worker'), api: spent('api'), temporal: spent('temporal'), postgres: spent('postgres') };
}

/**
 * CPU ms so far of each of the stack's processes, by label: each worker apart (`worker <pid>`, to
 * tell a starved worker from a busy one), the other parts summed over their processes (the API's
 * forks, Postgres's backends), and this process (`bench`: the emulators and the load it sends).
 */
export function sampleCpuByProcess(): Map<string, number> {
  const usage = process.cpuUsage();
  const sample = new Map<string, number>([['bench', (usage.user + usage.system) / 1000]]);
  for (const pid of descendantPids()) {
    const part = partsByCommandLine.find(([, fragment]) => commandLineIncludes(pid, fragment))?.[0];
    if (!part) continue;
    const label = part === 'worker' ? `worker ${pid}` : part;
    sample.set(label, (sample.get(label) ?? 0) + (processCpuMs(pid) ?? 0));
  }
  return sample;
}

/** Each label's CPU seconds between two samples and its share of one CPU over `wallMs`, busiest first. */
export function describeCpuByProcess(before: Map<string, number>, after: Map<string, number>, wallMs: number): string[] {
  return [...after.entries()]
    .map(([label, ms]) => ({ label, ms: Math.max(0, ms - (before.get(label) ?? 0)) }))
    .sort((a, b) => b.ms - a.ms)
    .map(({ label, ms }) => `${label}: ${(ms / 1000).toFixed(1)} CPU s (${((ms / wallMs) * 100).toFixed(0)} % of one CPU)`);
}
