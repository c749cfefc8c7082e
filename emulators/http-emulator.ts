import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Base of every local emulator: a loopback HTTP server with a tiny router, a record of every
 * request (so tests can assert what the product sent) and fault injection (status codes,
 * latency, Retry-After) so tests can reproduce what real services do on a bad day.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** Parsed JSON or form body (form fields as a plain object), or undefined. */
  body: unknown;
  at: number;
}

export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InjectedFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before answering, ms. */
  delayMs?: number;
  /** Drop the connection without answering (a network failure). */
  destroySocket?: boolean;
  /** After the delay, handle the request normally: the work is done even if the caller has gone. */
  passThrough?: boolean;
  /** Do the work, then drop the connection instead of answering (the caller cannot know it was done). */
  loseAnswer?: boolean;
  /** Called on arrival; the request waits until the promise settles (with passThrough: then served). */
  hold?: (request: RecordedRequest) => Promise<void>;
}

/** A request held on arrival until the drill releases it (HttpEmulator.holdNext). */
export interface RequestHold {
  /** Resolves with the request once one has arrived and is being held: a call in flight. */
  held: Promise<RecordedRequest>;
  /** Serves the held request as usual (the work is done, the answer goes back if the caller is still there); drops the hold if none arrived yet. */
  release(): void;
}

export interface FaultRule {
  /** Which requests the fault applies to: method + path regex; omit to match everything. */
  method?: string;
  path?: RegExp;
  /** How many matching requests get the fault; Infinity for "until cleared". */
  times: number;
  fault: InjectedFault;
}

export type RouteHandler = (request: RecordedRequest, params: string[]) => EmulatorResponse | Promise<EmulatorResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

export abstract class HttpEmulator {
  readonly requests: RecordedRequest[] = [];
  /** Added to every answer; lets benchmarks and drills model a slow service. */
  latencyMs = 0;
  private readonly routes: Route[] = [];
  private faults: FaultRule[] = [];
  private server?: Server;
  private baseUrl?: string;

  protected constructor(readonly serviceName: string) {}

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.serviceName} emulator is not started`);
    return this.baseUrl;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(error) }));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Makes the next `times` matching requests fail with the given fault. */
  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  /** Queues one fault per entry, in order, for requests matching method/path. */
  injectFaultSequence(match: { method?: string; path?: RegExp }, faults: InjectedFault[]): void {
    for (const fault of faults) this.injectFault({ ...match, times: 1, fault });
  }

  /** Holds the next matching requests for `delayMs`, then serves them as usual (a slow write). */
  delayNext(match: { method?: string; path?: RegExp }, delayMs: number, times = 1): void {
    this.injectFault({ ...match, times, fault: { status: 0, delayMs, passThrough: true } });
  }

  /**
   * Holds the next matching request on arrival, until `release()`: lets a drill act (kill a
   * process, stop a database) at the moment a write is provably in flight, instead of on a timer.
   */
  holdNext(match: { method?: string; path?: RegExp }): RequestHold {
    let arrived!: (request: RecordedRequest) => void;
    let release!: () => void;
    const held = new Promise<RecordedRequest>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const rule: FaultRule = { ...match, times: 1, fault: { status: 0, passThrough: true, hold: async (request) => (arrived(request), released) } };
    this.faults.push(rule);
    return {
      held,
      release: () => {
        this.faults = this.faults.filter((candidate) => candidate !== rule);
        release();
      },
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  protected route(method: string, pattern: RegExp, handler: RouteHandler): void {
    this.routes.push({ method, pattern, handler });
  }

  private takeFault(method: string, path: string): InjectedFault | undefined {
    const index = this.faults.findIndex(
      (rule) => rule.times > 0 && (!rule.method || rule.method === method) && (!rule.path || rule.path.test(path)),
    );
    if (index < 0) return undefined;
    const rule = this.faults[index]!;
    rule.times -= 1;
    if (rule.times <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
      at: Date.now(),
    };
    this.requests.push(request);

    const fault = this.takeFault(request.method, request.path);
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault?.hold) await fault.hold(request);
    if (fault?.destroySocket) {
      req.socket.destroy();
      return;
    }
    if (fault && !fault.passThrough && !fault.loseAnswer) {
      send(res, { status: fault.status, body: fault.body, headers: fault.headers });
      return;
    }
    const response = await this.serve(request);
    if (fault?.loseAnswer) req.socket.destroy();
    else send(res, response);
  }

  private async serve(request: RecordedRequest): Promise<EmulatorResponse> {
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      return route.handler(request, match.slice(1).map((part) => decodeURIComponent(part)));
    }
    return this.notFound(request);
  }

  /** The service's own 404 shape; subclasses override to match the real API. */
  protected notFound(request: RecordedRequest): EmulatorResponse {
    return { status: 404, body: { error: `No route for ${request.method} ${request.path}` } };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.body !== undefined) {
    if (typeof response.body === 'string') {
      payload = response.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
