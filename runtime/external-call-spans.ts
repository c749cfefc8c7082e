/**
 * A client span for every outgoing HTTP call (outgoing-http.ts), as a child of whatever span is
 * active when the call starts (an activity's, or a Slack request's in the API). Only the method,
 * host, port and status are recorded: paths and query strings can carry personal data (an email
 * looked up in a CRM), so they never reach a span.
 */
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { watchOutgoingHttp } from './outgoing-http';

/** Starts tracing outgoing HTTP calls; returns the function that stops it. */
export function traceExternalCalls(tracer: Tracer): () => void {
  const open = new WeakMap<object, Span>();
  const start = (request: object, method: string, target: URL | undefined): void => {
    const host = target?.hostname ?? 'unknown';
    open.set(
      request,
      tracer.startSpan(`${method} ${host}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'server.address': host,
          ...(target ? { 'server.port': Number(target.port || (target.protocol === 'https:' ? 443 : 80)) } : {}),
        },
      }),
    );
  };
  const answered = (request: object, status: number): void => {
    const span = open.get(request);
    span?.setAttribute('http.response.status_code', status);
    if (status >= 400) span?.setStatus({ code: SpanStatusCode.ERROR });
  };
  const end = (request: object): void => {
    open.get(request)?.end();
    open.delete(request);
  };
  const failed = (request: object, error: unknown): void => {
    const span = open.get(request);
    // The error's kind only: messages can quote a URL.
    span?.setAttribute('error.type', errorType(error));
    span?.setStatus({ code: SpanStatusCode.ERROR });
    end(request);
  };

  return watchOutgoingHttp({
    started: (call) => start(call.request, call.method, call.url),
    answered: (call, status) => answered(call.request, status),
    finished: (call) => end(call.request),
    failed: (call, error) => failed(call.request, error),
  });
}

function errorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (error instanceof Error) return error.name;
  }
  return 'unknown';
}
