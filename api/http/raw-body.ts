import type { Middleware } from 'koa';
import getRawBody from 'raw-body';

/**
 * Reads the exact request bytes once, before any parsing: signatures are computed over them.
 * Oversized bodies are refused with 413 before they are buffered.
 */
export function rawBody(maxBytes: number): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    try {
      ctx.state.rawBody = await getRawBody(ctx.req, { limit: maxBytes, length: ctx.get('content-length') || undefined });
    } catch (error) {
      const status = (error as { status?: number }).status;
      ctx.status = status === 413 ? 413 : 400;
      ctx.body = { error: status === 413 ? 'Request body too large.' : 'Could not read the request body.' };
      return;
    }
    return next();
  };
}
