import type { Context } from 'koa';
import type { ApiDependencies } from './dependencies';

/** Liveness plus the state of what the API depends on; 503 when any of it is down. */
export function healthHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const checks = await deps.health();
    const healthy = Object.values(checks).every(Boolean);
    ctx.status = healthy ? 200 : 503;
    ctx.body = { status: healthy ? 'ok' : 'degraded', checks };
  };
}
