import type { Middleware } from 'koa';

/**
 * CORS for the codec server: the Temporal Web UI calls it from the operator's browser. The UI this
 * listener serves is same-origin; a UI served elsewhere may be allowed by its origin, with
 * credentials, so the operator's session cookie goes along. Requests from any other browser
 * origin are refused outright; clients that send no Origin (CLI, scripts) are not browsers and go
 * on to authentication.
 */
export function temporalUiCors(allowedOrigins: string[]): Middleware {
  return async (ctx, next) => {
    ctx.vary('Origin');
    const origin = ctx.get('origin');
    // Built here: Koa 3's `ctx.origin` is the request's Origin header, not this listener's origin.
    const ownOrigin = `${ctx.protocol}://${ctx.host}`;
    if (origin && origin !== ownOrigin && !allowedOrigins.includes(origin)) {
      ctx.status = 403;
      ctx.body = { error: 'origin not allowed' };
      return;
    }
    if (origin) {
      ctx.set('access-control-allow-origin', origin);
      ctx.set('access-control-allow-credentials', 'true');
    }
    // Preflight: browsers send no credentials with it, so it is answered before authentication.
    if (ctx.method === 'OPTIONS') {
      ctx.set('access-control-allow-methods', 'POST, OPTIONS');
      ctx.set('access-control-allow-headers', 'authorization, content-type, x-namespace');
      ctx.set('access-control-max-age', '600');
      ctx.status = 204;
      return;
    }
    return next();
  };
}
