import type { Context } from 'koa';
import type { ApiDependencies } from './dependencies';

/** Liveness: the process serves requests. Never looks at a dependency, so an outage does not get the API restarted. */
export function livenessHandler() {
  return (ctx: Context): void => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { status: 'ok' };
  };
}

/** Readiness: the database and Temporal answer; 503 (take no traffic, but keep running) when either does not. */
export function readinessHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const checks = await deps.health();
    const ready = Object.values(checks).every(Boolean);
    ctx.set('cache-control', 'no-store');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ok' : 'not-ready', checks };
  };
}
