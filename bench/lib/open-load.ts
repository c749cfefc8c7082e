/**
 * Open-model load: requests start at a fixed arrival rate whatever the server does, and each
 * latency is measured from the request's INTENDED start time. A server that falls behind
 * therefore shows its queueing in the latencies instead of silently slowing the generator down
 * (coordinated omission; see limits-and-reliability.md §7).
 */
import { performance } from 'node:perf_hooks';
import { round, summarize, type LatencySummary } from './stats';

export interface LoadSample<T> {
  index: number;
  /** Epoch ms the request was meant to start at (to line up with emulator timestamps). */
  intendedAt: number;
  /** From the intended start time to the answer (or failure), ms. */
  latencyMs: number;
  /** How late the request actually left compared with its intended time, ms (generator lag). */
  sendLagMs: number;
  outcome: T;
}

export interface OpenLoadRun<T> {
  ratePerSecond: number;
  durationMs: number;
  requested: number;
  samples: LoadSample<T>[];
  /** Requests sent per second, over the sending window. */
  sentRate: number;
  /** Answers per second, from the first intended start to the last answer. */
  completedRate: number;
  /** Largest gap between intended and actual send: above a few ms the generator itself is saturated. */
  maxSendLagMs: number;
}

/**
 * Calls `request(index)` at `ratePerSecond` for `durationMs`, then waits for every call to settle.
 * `request` must not throw: it returns its own outcome (status, error class) so failures are
 * counted and timed like successes.
 */
export async function runOpenLoad<T>(options: { ratePerSecond: number; durationMs: number; request: (index: number) => Promise<T> }): Promise<OpenLoadRun<T>> {
  const { ratePerSecond, durationMs } = options;
  const total = Math.max(1, Math.round((ratePerSecond * durationMs) / 1000));
  const intervalMs = 1000 / ratePerSecond;
  const samples: LoadSample<T>[] = [];
  const inFlight: Promise<void>[] = [];
  let maxSendLagMs = 0;
  let lastSentAt = 0;
  const start = performance.now() + 5;

  await new Promise<void>((resolve) => {
    let next = 0;
    const fireDue = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        const index = next;
        const intended = start + index * intervalMs;
        const sendLagMs = now - intended;
        maxSendLagMs = Math.max(maxSendLagMs, sendLagMs);
        lastSentAt = now;
        inFlight.push(
          options.request(index).then((outcome) => {
            samples.push({ index, intendedAt: performance.timeOrigin + intended, latencyMs: performance.now() - intended, sendLagMs, outcome });
          }),
        );
        next += 1;
      }
      if (next >= total) {
        resolve();
        return;
      }
      setTimeout(fireDue, Math.max(0, start + next * intervalMs - performance.now()));
    };
    setTimeout(fireDue, Math.max(0, start - performance.now()));
  });
  await Promise.all(inFlight);
  const lastDoneAt = performance.now();
  samples.sort((a, b) => a.index - b.index);
  return {
    ratePerSecond,
    durationMs,
    requested: total,
    samples,
    sentRate: round(total / Math.max(0.001, (lastSentAt - start) / 1000 + 1 / ratePerSecond)),
    completedRate: round(samples.length / Math.max(0.001, (lastDoneAt - start) / 1000)),
    maxSendLagMs: round(maxSendLagMs),
  };
}

export function latencySummary<T>(samples: readonly LoadSample<T>[], include: (outcome: T) => boolean = () => true): LatencySummary {
  return summarize(samples.filter((sample) => include(sample.outcome)).map((sample) => sample.latencyMs));
}
