/**
 * A client span for every outgoing HTTP call, as a child of whatever span is active when the call
 * starts (an activity's, or a Slack request's in the API). It listens where the call counting does
 * (external-call-metrics.ts): every client library ends in undici (fetch) or node:http, and both
 * publish each request on a diagnostics channel, so no client module has to remember to trace.
 * Only the method, host, port and status are recorded: paths and query strings can carry
 * personal data (an email looked up in a CRM), so they never reach a span.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';

interface UndiciRequest {
  origin: string | URL;
  method: string;
}

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

  const subscriptions: [string, (message: unknown) => void][] = [
    ['undici:request:create', (message) => {
      const { request } = message as { request: UndiciRequest };
      start(request, request.method, parseUrl(String(request.origin)));
    }],
    ['undici:request:headers', (message) => {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      answered(request, response.statusCode);
    }],
    // The body has been read to its end.
    ['undici:request:trailers', (message) => end((message as { request: UndiciRequest }).request)],
    ['undici:request:error', (message) => {
      const { request, error } = message as { request: UndiciRequest; error: unknown };
      failed(request, error);
    }],
    ['http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      start(request, request.method, parseUrl(`${request.protocol}//${String(request.getHeader('host') ?? request.host)}`));
    }],
    ['http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      answered(request, response.statusCode ?? 0);
      end(request);
    }],
    ['http.client.request.error', (message) => {
      const { request, error } = message as { request: ClientRequest; error: unknown };
      failed(request, error);
    }],
  ];
  for (const [channel, listener] of subscriptions) diagnosticsChannel.subscribe(channel, listener);
  return () => {
    for (const [channel, listener] of subscriptions) diagnosticsChannel.unsubscribe(channel, listener);
  };
}

function errorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (error instanceof Error) return error.name;
  }
  return 'unknown';
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
