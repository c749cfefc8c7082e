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
