import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Middleware } from 'koa';
import { operatorSessionCookie } from './operator-auth';

/** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. */
const hopByHopHeaders = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The operator listener's own paths: never handed to the Web UI. */
export function isOperatorRoute(path: string): boolean {
  return /^\/(codec|operator)(\/|$)/.test(path);
}

/**
 * The Temporal Web UI, served from the operator listener: every request is piped to the UI server
 * at `upstreamUrl` (pages, assets, its `/api/v1/...` calls, streamed as they come). Mounted behind
 * operatorAuthenticated, so the UI's write actions (signal, terminate, reset) need an operator, and
 * its codec endpoint (`<this origin>/codec`) is same-origin: the browser sends the session cookie
 * without any codec setting. The operator's credentials stay here; the UI server never sees them.
 */
export function temporalUiProxy(upstreamUrl: string): Middleware {
  const upstream = new URL(upstreamUrl);
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  return async (ctx) => {
    let response: IncomingMessage;
    try {
      response = await new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing = send(
          {
            protocol: upstream.protocol,
            hostname: upstream.hostname,
            port: upstream.port,
            method: ctx.method,
            // Origin-form only: an absolute-form request line names no other host upstream.
            path: `${ctx.path}${ctx.search}`,
            headers: { ...forwardedRequestHeaders(ctx.req.headers), host: upstream.host },
          },
          resolve,
        );
        outgoing.once('error', reject);
        ctx.req.pipe(outgoing);
      });
    } catch {
      ctx.status = 502;
      ctx.body = { error: 'the Temporal Web UI server does not answer' };
      return;
    }
    ctx.status = response.statusCode ?? 502;
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined || hopByHopHeaders.has(name)) continue;
      ctx.set(name, name === 'location' ? onThisOrigin(String(value), upstream) : value);
    }
    ctx.body = response;
  };
}

/** The client's headers minus hop-by-hop ones and the operator's credentials. */
function forwardedRequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (hopByHopHeaders.has(name) || name === 'host' || name === 'authorization') continue;
    forwarded[name] = value;
  }
  const cookies = headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter((cookie) => cookie && !cookie.startsWith(`${operatorSessionCookie}=`));
  if (cookies?.length) forwarded.cookie = cookies.join('; ');
  else delete forwarded.cookie;
  return forwarded;
}

/** A redirect the UI server addresses to itself goes to the same path on the operator listener. */
function onThisOrigin(location: string, upstream: URL): string {
  const target = new URL(location, upstream);
  return target.origin === upstream.origin ? `${target.pathname}${target.search}${target.hash}` : location;
}
