import assert from 'node:assert/strict';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { serviceResource, traceTo, type Tracing } from '../../runtime/tracing';
import { cardActions } from '../../slack/action-ids';
import { prepareMeeting } from '../support/meeting-flow';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

type TracedSpan = Pick<ReceivedSpan, 'serviceName' | 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'attributes'>;

/** The span and its ancestors, root first. */
function lineage(span: TracedSpan, spans: TracedSpan[]): TracedSpan[] {
  const chain = [span];
  for (let parent = spans.find((candidate) => candidate.spanId === span.parentSpanId); parent; parent = spans.find((candidate) => candidate.spanId === chain[0]!.parentSpanId)) {
    chain.unshift(parent);
  }
  return chain;
}

describe('tracing across the API and a worker process', function () {
  this.timeout(240_000);
  const apiSpans = new InMemorySpanExporter();
  let apiTracing: Tracing;
  let collector: OtlpReceiver;
  let harness: ProductHarness;
  let worker: WorkerProcess | undefined;

  before(async () => {
    apiTracing = traceTo(new SimpleSpanProcessor(apiSpans), serviceResource('followup-api'));
    collector = await startOtlpReceiver();
    harness = await startProductHarness({ startWorker: false });
  });
  after(async () => {
    await worker?.kill('SIGTERM');
    await harness?.close();
    await collector?.close();
    await apiTracing?.shutdown();
  });

  it('continues the click’s trace in the worker (worker.ts, switched on by OTEL_EXPORTER_OTLP_ENDPOINT) down to the HubSpot call', async () => {
    // A short batch delay: the worker exports within the test's patience, as it would within seconds in production.
    worker = await startWorkerProcess({ ...harness.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '200' });
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    const click = await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    assert.equal(click.status, 200);
    await waitFor('one note in HubSpot', () => harness.emulators.hubspot.notes().length === 1);

    const hubspotPort = Number(new URL(harness.emulators.hubspot.url).port);
    const chain = await waitFor('the worker’s HubSpot call traced back to the API’s click', () => {
      const inApi: TracedSpan[] = apiSpans.getFinishedSpans().map((span) => ({
        serviceName: String(span.resource.attributes['service.name']),
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanId,
        name: span.name,
        attributes: span.attributes,
      }));
      const spans = [...inApi, ...collector.spans()];
      return spans
        .filter((span) => span.serviceName === 'followup-worker' && span.attributes['server.port'] === hubspotPort && span.attributes['http.request.method'] === 'POST')
        .map((span) => lineage(span, spans))
        .find((candidate) => candidate[0]!.name === 'POST /slack/interactions');
    }, 30_000);

    assert.deepEqual(
      chain.map((span) => `${span.serviceName}: ${span.name.replace(/:.*/, ':…')}`),
      [
        'followup-api: POST /slack/interactions',
        'followup-api: StartWorkflowUpdate:…',
        // The workflow makes no span: it passes the update's context on to the activity it schedules.
        'followup-worker: RunActivity:…',
        'followup-worker: POST 127.0.0.1',
      ],
    );
    assert.equal(new Set(chain.map((span) => span.traceId)).size, 1, 'one trace id');
  });
});
