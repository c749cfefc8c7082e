import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { serviceResource, traceTo, type Tracing } from '../../runtime/tracing';
import { cardActions } from '../../slack/action-ids';
import { workflowSpanSinks } from '../../wiring/worker-tracing';
import { prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { testStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** The span and its ancestors, root first. */
function lineage(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const chain = [span];
  for (;;) {
    const parentId = chain[0]!.parentSpanId;
    if (!parentId) return chain;
    const parent = spans.find((candidate) => candidate.spanContext().spanId === parentId);
    if (!parent) return chain;
    chain.unshift(parent);
  }
}

describe('tracing', function () {
  this.timeout(120_000);
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let harness: ProductHarness;
  let seeded: SeededTenant;
  /** The meeting the first test clicked through. */
  let tracedWorkflowId: string;

  before(async () => {
    // API and worker share this process here, so one tracer provider collects both sides' spans.
    tracing = traceTo(new SimpleSpanProcessor(exporter), serviceResource('followup-test'));
    harness = await startProductHarness({ tracing });
    seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => {
    await harness?.close();
    await tracing?.shutdown();
  });

  it('follows a Log to CRM click from the Slack request to the HubSpot call in one trace', async () => {
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    tracedWorkflowId = workflowId;
    const click = await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    assert.equal(click.status, 200);
    await waitFor('one note in HubSpot', () => harness.emulators.hubspot.notes().length === 1);

    const hubspotPort = Number(new URL(harness.emulators.hubspot.url).port);
    // Workflow spans arrive through the worker's sink once the activation completes, so wait for the whole chain.
    const chain = await waitFor('a HubSpot call traced back to the click', () => {
      const spans = exporter.getFinishedSpans();
      return spans
        // The note is written with a POST (lookups before it are GETs).
        .filter((span) => span.attributes['server.port'] === hubspotPort && span.attributes['http.request.method'] === 'POST')
        .map((span) => lineage(span, spans))
        .find((candidate) => candidate[0]!.name === 'POST /slack/interactions');
    });

    const names = chain.map((span) => span.name);
    const expectedOrder = [/^POST \/slack\/interactions$/, /^StartWorkflowUpdate:/, /^HandleUpdate:/, /^StartActivity:/, /^RunActivity:/, /^POST 127\.0\.0\.1$/];
    let position = 0;
    for (const expected of expectedOrder) {
      const found = names.findIndex((name, index) => index >= position && expected.test(name));
      assert.ok(found >= 0, `${expected} after ${names.slice(0, position).join(' > ')} in ${names.join(' > ')}`);
      position = found + 1;
    }
    assert.equal(new Set(chain.map((span) => span.spanContext().traceId)).size, 1, 'one trace id');
    assert.equal(chain[0]!.attributes['tenant.id'], seeded.tenant.id);

    // What the trace says about the click carries no personal data: no email, no name, no meeting text.
    const traceId = chain[0]!.spanContext().traceId;
    const recorded = exporter
      .getFinishedSpans()
      .filter((span) => span.spanContext().traceId === traceId)
      .flatMap((span) => [span.name, ...Object.values(span.attributes).map(String)])
      .join('\n');
    for (const personal of [seeded.rep.email, 'Alice', 'Client Inc']) assert.ok(!recorded.includes(personal), `${personal} is not in the trace`);
  });

  it('replays the traced meeting, as a worker restarted mid-meeting does', async () => {
    const history = await harness.client.workflow.getHandle(tracedWorkflowId).fetchHistory();
    const stack = testStack();
    await Worker.runReplayHistory({ workflowBundle: stack.workflowBundle, dataConverter: stack.dataConverter, sinks: workflowSpanSinks(tracing) }, history);
  });
});
