import cluster from 'node:cluster';
import type { Context } from 'koa';
import { clusterMetricsExposition } from '../../runtime/cluster-metrics';
import { metricsExposition } from '../../runtime/metrics';

/**
 * Prometheus' scrape target, on the operator listener only. No token: a scraper should not hold
 * the operator token (it also opens the codec server), and the figures name no tenant or person.
 * Under api/cluster.ts with several processes, every process's figures, summed by the primary.
 */
export function metricsHandler() {
  return async (ctx: Context): Promise<void> => {
    const exposition = cluster.isWorker ? await clusterMetricsExposition() : await metricsExposition();
    ctx.set('content-type', exposition.contentType);
    ctx.body = exposition.body;
  };
}
