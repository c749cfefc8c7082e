/**
 * Event loop delay during a benchmark step: how long a ready callback waited for the loop, the
 * queueing a process adds to every request it serves. This process's own from perf_hooks; a stack
 * process's from the prom-client histogram on its /metrics (nodejs_eventloop_lag_*, also
 * monitorEventLoopDelay, reset by every scrape, so a scrape before the step starts its window).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { round } from './stats';

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Starts measuring this process's loop; `stop` returns the delays since. */
export function ownEventLoopDelay(): { stop(): EventLoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      const ms = (ns: number) => round(ns / 1e6);
      return { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
    },
  };
}

/** The delays a stack process reports on its /metrics since its previous scrape; undefined when it cannot be read. */
export async function scrapedEventLoopDelay(metricsUrl: string): Promise<EventLoopDelay | undefined> {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    const text = await response.text();
    const seconds = (name: string): number => {
      const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
      return match ? Number(match[1]) : Number.NaN;
    };
    const ms = (name: string) => round(seconds(name) * 1000);
    return { p50Ms: ms('nodejs_eventloop_lag_p50_seconds'), p99Ms: ms('nodejs_eventloop_lag_p99_seconds'), maxMs: ms('nodejs_eventloop_lag_max_seconds') };
  } catch {
    return undefined;
  }
}
