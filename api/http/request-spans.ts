import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';

/** Probes every few seconds would bury the requests worth tracing. */
const untracedPaths = new Set(['/livez', '/readyz', '/healthz']);

/**
 * A server span per request, the root of the trace a Slack click starts: everything the request
 * does (the update the gateway sends to the workflow, calls to Slack) becomes its child. Named by
 * the matched route, never the raw path or query, which can carry OAuth codes and ids. A no-op
 * while tracing is off (runtime/tracing.ts).
 */
export function tracingRequests(): Middleware {
  // Taken per app, not per module: a tracer outlives a tracer provider that was shut down.
  const tracer = trace.getTracer('followup-api');
  return async (ctx, next) => {
    if (untracedPaths.has(ctx.path)) return next();
    const span = tracer.startSpan(ctx.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } });
    try {
      await context.with(trace.setSpan(context.active(), span), next);
    } finally {
      // Set by @koa/router once a route matched; unmatched paths stay unnamed.
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      if (typeof route === 'string') {
        span.updateName(`${ctx.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
