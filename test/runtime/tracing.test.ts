import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { freePort } from '../../scripts/lib/processes';
import { serviceResource, startTracing, traceTo } from '../../runtime/tracing';
import { tracingEnabled } from '../../runtime/tracing-enabled';

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler).listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('tracing', () => {
  it('is off unless the OTEL_* variables turn it on', () => {
    assert.equal(tracingEnabled({}), false);
    assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }), false);
    assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }), false);
  });

  it('sends spans over OTLP/HTTP to the configured collector, named by service', async () => {
    const received: { path: string; body: string }[] = [];
    const collector = await listen((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const tracing = await startTracing('followup-api');
      trace.getTracer('test').startSpan('a Slack request').end();
      await tracing.shutdown();
    } finally {
      process.env = saved;
      await close(collector);
    }
    assert.equal(received.length, 1);
    assert.equal(received[0]!.path, '/v1/traces');
    assert.match(received[0]!.body, /followup-api/);
    assert.match(received[0]!.body, /a Slack request/);
  });

  describe('outgoing HTTP calls', () => {
    const exporter = new InMemorySpanExporter();
    let tracing: ReturnType<typeof traceTo>;
    let server: Server;
    let origin: string;

    before(async () => {
      tracing = traceTo(new SimpleSpanProcessor(exporter), serviceResource('followup-worker'));
      server = await listen((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok'));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await close(server);
      await tracing.shutdown();
    });
    beforeEach(() => exporter.reset());

    const inParentSpan = async (work: () => Promise<void>): Promise<string> => {
      const parent = trace.getTracer('test').startSpan('activity');
      await context.with(trace.setSpan(context.active(), parent), work);
      parent.end();
      return parent.spanContext().spanId;
    };

    it('are spans under the span that made them, from fetch and from node:http, with method, host, port and status only', async () => {
      const parentId = await inParentSpan(async () => {
        await (await fetch(`${origin}/contacts?email=alice%40example.com`)).text();
        await new Promise<void>((resolve, reject) => {
          request(`${origin}/missing/alice@example.com`, { method: 'POST' }, (res) => res.resume().on('end', () => resolve()))
            .on('error', reject)
            .end();
        });
      });
      const calls = exporter.getFinishedSpans().filter((span) => span.name !== 'activity');
      assert.deepEqual(
        calls.map((span) => [span.name, span.parentSpanId, span.attributes['http.response.status_code']]),
        [
          ['GET 127.0.0.1', parentId, 200],
          ['POST 127.0.0.1', parentId, 404],
        ],
      );
      assert.equal(calls[0]!.attributes['server.port'], Number(new URL(origin).port));
      const recorded = JSON.stringify(calls.map((span) => span.attributes));
      assert.ok(!recorded.includes('alice') && !recorded.includes('contacts'), recorded);
    });

    it('mark a call that never reached the service as failed', async () => {
      const closedPort = await freePort();
      await inParentSpan(() => fetch(`http://127.0.0.1:${closedPort}/`).then(() => undefined, () => undefined));
      const [call] = exporter.getFinishedSpans().filter((span) => span.name !== 'activity');
      assert.equal(call?.status.code, SpanStatusCode.ERROR);
      assert.equal(call?.attributes['error.type'], 'ECONNREFUSED');
    });
  });
});
