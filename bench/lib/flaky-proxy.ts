/**
 * A loopback HTTP proxy in front of an emulator that fails a share of calls the ways real APIs
 * do on a bad day: 500, 429 with Retry-After, a request that hangs until the client gives up, and
 * the nastiest one for idempotency: the write is done upstream but the answer never arrives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'http-500' | 'http-429' | 'hang' | 'lost-answer';
const faultKinds: readonly FaultKind[] = ['http-500', 'http-429', 'hang', 'lost-answer'];

/** Which requests the CRM refuses for good (a 404 no retry fixes), from their method, path and body. */
export type Refusal = (request: { method: string; path: string; body: string }) => boolean;

export interface FlakyProxy {
  url: string;
  /** Turns faults on (with this failure share) or off (0). */
  setFailureRate(rate: number): void;
  /** Answers matching requests 404 (HubSpot's shape) until called with undefined, before any random fault. */
  refuse(refusal: Refusal | undefined): void;
  counts(): Record<FaultKind | 'forwarded' | 'refused', number>;
  stop(): Promise<void>;
}

export async function startFlakyProxy(upstreamUrl: string, options: { hangMs: number; retryAfterSeconds?: number }): Promise<FlakyProxy> {
  const upstream = new URL(upstreamUrl);
  let failureRate = 0;
  let refusal: Refusal | undefined;
  const counts: Record<FaultKind | 'forwarded' | 'refused', number> = { 'http-500': 0, 'http-429': 0, hang: 0, 'lost-answer': 0, forwarded: 0, refused: 0 };
  const agent = new http.Agent({ keepAlive: true });

  const forward = (req: http.IncomingMessage, body: Buffer, answer: (status: number, headers: http.IncomingHttpHeaders, payload: Buffer) => void, fail: () => void): void => {
    const outgoing = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => answer(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)));
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (refusal?.({ method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString() })) {
        counts.refused += 1;
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'resource not found', category: 'OBJECT_NOT_FOUND' }));
        return;
      }
      const fault = Math.random() < failureRate ? faultKinds[Math.floor(Math.random() * faultKinds.length)]! : undefined;
      if (fault) counts[fault] += 1;
      else counts.forwarded += 1;
      switch (fault) {
        case 'http-500':
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' }));
          return;
        case 'http-429':
          res
            .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(options.retryAfterSeconds ?? 1) })
            .end(JSON.stringify({ status: 'error', message: 'You have reached your secondly limit.', category: 'RATE_LIMITS' }));
          return;
        case 'hang':
          setTimeout(() => req.socket.destroy(), options.hangMs).unref();
          return;
        case 'lost-answer':
          forward(req, body, () => req.socket.destroy(), () => req.socket.destroy());
          return;
        default:
          forward(
            req,
            body,
            (status, headers, payload) => {
              const { connection: _connection, 'transfer-encoding': _encoding, ...rest } = headers;
              res.writeHead(status, { ...rest, 'content-length': String(payload.length) }).end(payload);
            },
            () => res.writeHead(502).end(),
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setFailureRate: (rate) => (failureRate = rate),
    refuse: (next) => (refusal = next),
    counts: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
