/**
 * What a worker's Temporal runtime metrics (its Prometheus port, WORKER_METRICS_ADDRESS) say about a
 * window of a drill: sticky cache hits, misses and evictions (a miss is a full history replay),
 * workflow task execution and replay times, each activity type's execution time, and the task
 * slots in use. A worker that runs B's tasks slowly shows here whether it was replaying, full, or
 * only short of CPU.
 */

/** Series by name and the labels that tell them apart (namespace, task queue and the SDK's name dropped). */
export type MetricsSample = Map<string, number>;

const droppedLabels = new Set(['namespace', 'task_queue', 'workflow_type']);
/** The server's service_name (frontend, history, matching) tells its services apart; the SDK's says nothing. */
const dropped = (name: string, value: string): boolean => droppedLabels.has(name) || (name === 'service_name' && value === 'temporal-core-sdk');

export async function readWorkerMetrics(url: string): Promise<MetricsSample> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const sample: MetricsSample = new Map();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1]!.endsWith('_bucket')) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].filter(([, name, value]) => !dropped(name!, value!)).map(([, name, value]) => `${name}=${value}`);
    const key = labels.length ? `${match[1]}{${labels.join(',')}}` : match[1]!;
    sample.set(key, (sample.get(key) ?? 0) + Number(match[3]));
  }
  return sample;
}

const delta = (before: MetricsSample, after: MetricsSample, key: string): number => (after.get(key) ?? 0) - (before.get(key) ?? 0);

/** "name{labels}" of every series of `family` in `sample` (e.g. one per activity type). */
const seriesOf = (sample: MetricsSample, family: string): string[] => [...sample.keys()].filter((key) => key === family || key.startsWith(`${family}{`));

/**
 * For a histogram family: "count × mean ms (total s)" over the window, per label set (those whose
 * labels match `only`), the most total time first, at most `top` of them.
 */
export function histogramLines(before: MetricsSample, after: MetricsSample, family: string, only?: RegExp, top = Infinity): string[] {
  return seriesOf(after, `${family}_count`)
    .map((countKey) => ({
      countKey,
      count: delta(before, after, countKey),
      sumMs: delta(before, after, countKey.replace(`${family}_count`, `${family}_sum`)) * 1000,
    }))
    .filter(({ countKey, count }) => count > 0 && (!only || only.test(countKey)))
    .sort((a, b) => b.sumMs - a.sumMs)
    .slice(0, top)
    .map(({ countKey, count, sumMs }) => `${countKey.replace(`${family}_count`, family.replace(/^temporal_/, ''))} ×${count} mean ${Math.round(sumMs / count)} ms (${(sumMs / 1000).toFixed(1)} s in all)`);
}

/**
 * One worker's window in a few lines: sticky cache, workflow task and replay times, activity
 * execution times by type, and the most task slots used at any sample (`peakSlotsUsed`).
 */
export function describeWorkerWindow(before: MetricsSample, after: MetricsSample, peakSlotsUsed: Map<string, number>): string[] {
  const counter = (family: string) => seriesOf(after, family).reduce((sum, key) => sum + delta(before, after, key), 0);
  const lines = [
    `sticky cache: ${counter('temporal_sticky_cache_hit_total')} hits, ${counter('temporal_sticky_cache_miss_total')} misses, ${counter('temporal_sticky_cache_total_forced_eviction_total')} forced evictions, ${after.get('temporal_sticky_cache_size') ?? 0} cached at the end`,
    ...histogramLines(before, after, 'temporal_workflow_task_execution_latency'),
    ...histogramLines(before, after, 'temporal_workflow_task_replay_latency'),
    ...histogramLines(before, after, 'temporal_workflow_task_schedule_to_start_latency'),
    ...histogramLines(before, after, 'temporal_activity_schedule_to_start_latency'),
    ...histogramLines(before, after, 'temporal_activity_execution_latency'),
    // Execution ends when the worker's code is done; the task is done once the server has recorded it.
    ...histogramLines(before, after, 'temporal_request_latency', /Respond/),
  ];
  const slots = [...peakSlotsUsed.entries()].map(([key, peak]) => `${key.replace(/^temporal_worker_task_slots_used\{worker_type=(\w+)\}$/, '$1')} ${peak}`);
  if (slots.length) lines.push(`task slots used, peak of samples: ${slots.join(', ')}`);
  return lines;
}

/** Keeps, per slot kind, the most slots used in any sample given to it. */
export function recordPeakSlots(peaks: Map<string, number>, sample: MetricsSample): void {
  for (const key of seriesOf(sample, 'temporal_worker_task_slots_used')) peaks.set(key, Math.max(peaks.get(key) ?? 0, sample.get(key) ?? 0));
}
