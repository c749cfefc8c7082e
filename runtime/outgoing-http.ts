/**
 * Every outgoing HTTP call of the process, as Node's own HTTP stacks report it: each client
 * library ends in undici (fetch) or node:http, and both publish every request on a diagnostics
 * channel. Call counting and call tracing both watch here, so no client module has to remember
 * either, and a library upgrade cannot silently stop them.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface OutgoingCall {
  /** The stack's own request object: the same for every event of one call. */
  request: object;
  method: string;
  url: URL | undefined;
}

export interface OutgoingHttpWatcher {
  started?(call: OutgoingCall): void;
  /** The response headers arrived. */
  answered?(call: OutgoingCall, status: number): void;
  /** The response body was read to its end. */
  finished?(call: OutgoingCall): void;
  /** No answer (refused, DNS, TLS, timeout), or the body was cut off after the headers (`afterAnswer`). */
  failed?(call: OutgoingCall, error: unknown, afterAnswer: boolean): void;
}

interface UndiciRequest {
  origin: string | URL;
  path: string;
  method: string;
}

/** Starts watching; returns the function that stops it. */
export function watchOutgoingHttp(watcher: OutgoingHttpWatcher): () => void {
  const undiciCall = (request: UndiciRequest): OutgoingCall => ({
    request,
    method: request.method,
    url: parseUrl(`${String(request.origin).replace(/\/+$/, '')}${request.path}`),
  });
  const httpCall = (request: ClientRequest): OutgoingCall => ({
    request,
    method: request.method,
    url: parseUrl(`${request.protocol}//${String(request.getHeader('host') ?? request.host)}${request.path}`),
  });
  const answeredUndici = new WeakSet<object>();

  const subscriptions: [string, (message: unknown) => void][] = [
    ['undici:request:create', (message) => watcher.started?.(undiciCall((message as { request: UndiciRequest }).request))],
    ['undici:request:headers', (message) => {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      answeredUndici.add(request);
      watcher.answered?.(undiciCall(request), response.statusCode);
    }],
    ['undici:request:trailers', (message) => watcher.finished?.(undiciCall((message as { request: UndiciRequest }).request))],
    ['undici:request:error', (message) => {
      const { request, error } = message as { request: UndiciRequest; error: unknown };
      watcher.failed?.(undiciCall(request), error, answeredUndici.has(request));
    }],
    ['http.client.request.start', (message) => watcher.started?.(httpCall((message as { request: ClientRequest }).request))],
    ['http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      const call = httpCall(request);
      watcher.answered?.(call, response.statusCode ?? 0);
      watcher.finished?.(call);
    }],
    ['http.client.request.error', (message) => {
      const { request, error } = message as { request: ClientRequest; error: unknown };
      watcher.failed?.(httpCall(request), error, false);
    }],
  ];
  for (const [channel, listener] of subscriptions) diagnosticsChannel.subscribe(channel, listener);
  return () => {
    for (const [channel, listener] of subscriptions) diagnosticsChannel.unsubscribe(channel, listener);
  };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
