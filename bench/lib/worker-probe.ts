/**
 * What the bench stack's workers went through during a step, from their own metrics: every
 * `intervalMs` each worker's health listener (prom-client: event loop delay, whose histogram
 * prom-client resets at every scrape, so each read covers the interval since the last) and its
 * Temporal metrics listener (task slots in use), and at the end the step's share of the SDK's
 * latency histograms (workflow task schedule-to-start and execution, activity schedule-to-start).
 * Worker n listens on WORKER_METRICS_PORT / WORKER_HEALTH_PORT + 2n (scripts/start-local.ts).
 */
import { processCountFromEnv } from '../../scripts/lib/process-count';
import { round, type Row } from './stats';

const LOOPBACK = '127.0.0.1';
const histograms = {
  'workflow task schedule-to-start': 'temporal_workflow_task_schedule_to_start_latency',
  'workflow task execution': 'temporal_workflow_task_execution_latency',
  'activity schedule-to-start': 'temporal_activity_schedule_to_start_latency',
} as const;

interface Worker {
  metricsUrl: string;
  healthUrl: string;
}

type Buckets = Map<string, number>;

function workers(): Worker[] {
  const metrics = Number(process.env.WORKER_METRICS_PORT);
  const health = Number(process.env.WORKER_HEALTH_PORT);
  return Array.from({ length: processCountFromEnv('WORKER_PROCESSES') }, (_, index) => ({
    metricsUrl: `http://${LOOPBACK}:${metrics + 2 * index}/metrics`,
    healthUrl: `http://${LOOPBACK}:${health + 2 * index}/metrics`,
  }));
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.text();
}

function gauge(text: string, name: string, labelPart = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      if (labelPart && !line.includes(labelPart)) continue;
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** `le` → cumulative count of one histogram, summed over the workers' texts. */
function buckets(texts: string[], name: string): Buckets {
  const counts: Buckets = new Map();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}_bucket{`)) continue;
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le) counts.set(le, (counts.get(le) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return counts;
}

/** "≤0.1 s: n, ≤0.5 s: n, …" of the counts added between two reads (empty buckets left out). */
function bucketDelta(before: Buckets, after: Buckets): string {
  let previous = 0;
  const parts: string[] = [];
  for (const [le, cumulative] of after) {
    const count = cumulative - (before.get(le) ?? 0) - previous;
    previous += count;
    if (count > 0) parts.push(`${le === '+Inf' ? '>' : '≤'}${le === '+Inf' ? [...after.keys()].at(-2) : le} s: ${count}`);
  }
  return parts.join(', ') || 'none';
}

export interface WorkerProbe {
  /** Stops sampling; the step's figures, one row per measure. */
  stop(): Promise<Row[]>;
}

export async function probeWorkers(intervalMs = 250): Promise<WorkerProbe> {
  const all = workers();
  const texts = () => Promise.all(all.map((worker) => scrape(worker.metricsUrl)));
  const before = await texts();
  await Promise.all(all.map((worker) => scrape(worker.healthUrl))); // resets the event loop histogram
  const peaks = { eventLoopMaxMs: 0, eventLoopP99Ms: 0, workflowSlotsUsed: 0, activitySlotsUsed: 0 };
  let sampling = true;
  const sampleOnce = async () => {
    for (const worker of all) {
      const [health, metrics] = await Promise.all([scrape(worker.healthUrl), scrape(worker.metricsUrl)]);
      peaks.eventLoopMaxMs = Math.max(peaks.eventLoopMaxMs, (gauge(health, 'nodejs_eventloop_lag_max_seconds') ?? 0) * 1000);
      peaks.eventLoopP99Ms = Math.max(peaks.eventLoopP99Ms, (gauge(health, 'nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000);
      peaks.workflowSlotsUsed = Math.max(peaks.workflowSlotsUsed, gauge(metrics, 'temporal_worker_task_slots_used', 'worker_type="WorkflowWorker"') ?? 0);
      peaks.activitySlotsUsed = Math.max(peaks.activitySlotsUsed, gauge(metrics, 'temporal_worker_task_slots_used', 'worker_type="ActivityWorker"') ?? 0);
    }
  };
  const loop = (async () => {
    while (sampling) {
      await sampleOnce().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await loop;
      const after = await texts();
      return [
        { measure: `event loop delay, worst ${intervalMs} ms window: max / p99 (ms)`, value: `${round(peaks.eventLoopMaxMs)} / ${round(peaks.eventLoopP99Ms)}` },
        { measure: 'workflow task slots used (peak)', value: peaks.workflowSlotsUsed },
        { measure: 'activity task slots used (peak)', value: peaks.activitySlotsUsed },
        ...Object.entries(histograms).map(([label, name]) => ({ measure: `${label} (SDK histogram)`, value: bucketDelta(buckets(before, name), buckets(after, name)) })),
      ];
    },
  };
}
