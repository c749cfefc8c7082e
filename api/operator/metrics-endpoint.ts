import type { Context } from 'koa';
import { metricsExposition } from '../../runtime/metrics';

/**
 * Prometheus' scrape target, on the operator listener only. No token: a scraper should not hold
 * the operator token (it also opens the codec server), and the figures name no tenant or person.
 */
export function metricsHandler() {
  return async (ctx: Context): Promise<void> => {
    const exposition = await metricsExposition();
    ctx.set('content-type', exposition.contentType);
    ctx.body = exposition.body;
  };
}
