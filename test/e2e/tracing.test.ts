import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { serviceResource, traceTo, type Tracing } from '../../runtime/tracing';
import { cardActions } from '../../slack/action-ids';
import { workflowSpanSinks } from '../../wiring/worker-tracing';
import { recordHistory } from '../support/history-recorder';
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
    const chain = await waitFor('a HubSpot call traced back to the click', () => {
      const spans = exporter.getFinishedSpans();
      return spans
        // The note is written with a POST (lookups before it are GETs).
        .filter((span) => span.attributes['server.port'] === hubspotPort && span.attributes['http.request.method'] === 'POST')
        .map((span) => lineage(span, spans))
        .find((candidate) => candidate[0]!.name === 'POST /slack/interactions');
    });

    // The workflow carries the update's trace context onto the activity its handler schedules, and
    // makes no span of its own: the activity's span is the child of the API's update call.
    assert.deepEqual(
      chain.map((span) => span.name),
      ['POST /slack/interactions', 'StartWorkflowUpdate:logNote', 'RunActivity:logCrmNote', 'POST 127.0.0.1'],
    );
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
    await recordHistory('trace-context-note-logged', harness.client.workflow.getHandle(workflowId));
  });

  it('keeps the meeting’s preparation in the trace of the /followup command that started it, apart from the click’s', async () => {
    const spans = exporter.getFinishedSpans();
    const activities = spans.filter((span) => span.name.startsWith('RunActivity:') && span.attributes.temporalWorkflowId === tracedWorkflowId);
    const roots = new Map(activities.map((span) => [span.name, lineage(span, spans)[0]!]));
    const clickRoot = roots.get('RunActivity:logCrmNote');
    assert.equal(clickRoot?.name, 'POST /slack/interactions');
    const preparation = activities.filter((span) => span.name !== 'RunActivity:logCrmNote');
    assert.ok(preparation.length > 0, 'the preparation ran activities');
    for (const activity of preparation) {
      const root = lineage(activity, spans)[0]!;
      assert.equal(root.name, 'POST /slack/commands', `${activity.name} continues the /followup request's trace`);
      assert.notEqual(root.spanContext().traceId, clickRoot!.spanContext().traceId);
    }
  });

  it('replays the traced meeting, as a worker restarted mid-meeting does', async () => {
    const history = await harness.client.workflow.getHandle(tracedWorkflowId).fetchHistory();
    const stack = testStack();
    await Worker.runReplayHistory({ workflowBundle: stack.workflowBundle, dataConverter: stack.dataConverter, sinks: workflowSpanSinks(tracing) }, history);
  });
});
