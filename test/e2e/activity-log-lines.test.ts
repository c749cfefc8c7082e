import assert from 'node:assert/strict';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { serviceResource, traceTo, type Tracing } from '../../runtime/tracing';
import { cardActions } from '../../slack/action-ids';
import { cardText } from '../support/card';
import { prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

/**
 * A rep clicks Log to CRM on a meeting whose HubSpot access was revoked; returns the JSON lines
 * the app logged about that workflow at WARN, once the card shows the failure.
 */
async function warningsOfRevokedNote(harness: ProductHarness): Promise<{ tenantId: string; workflowId: string; runId: string; warnings: Record<string, unknown>[] }> {
  const seeded = await harness.seedTenant();
  harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
  harness.emulators.hubspot.revokeRefreshToken();
  harness.emulators.hubspot.expireAccessTokens();
  await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
  await waitFor('the failed note on the card', () => /CRM note failed: .*Reconnect HubSpot/.test(cardText(harness.emulators.slack, salesChannel)));
  const { runId } = await harness.client.workflow.getHandle(workflowId).describe();
  const warnings = harness.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 'warn' && line.workflowId === workflowId);
  return { tenantId: seeded.tenant.id, workflowId, runId, warnings };
}

describe('what an activity logs', function () {
  this.timeout(120_000);

  describe('with tracing off (the default)', () => {
    let harness: ProductHarness;
    before(async () => {
      harness = await startProductHarness();
    });
    after(async () => harness?.close());

    it('an expected CRM refusal (401) is one WARN line naming the tenant, workflow, run, activity and attempt, and no trace', async () => {
      const { tenantId, workflowId, runId, warnings } = await warningsOfRevokedNote(harness);
      assert.equal(warnings.length, 1, `one WARN line, got: ${JSON.stringify(warnings)}`);
      const [line] = warnings;
      assert.deepEqual(
        { msg: line!.msg, tenantId: line!.tenantId, workflowId: line!.workflowId, runId: line!.runId, activity: line!.activity, attempt: line!.attempt },
        { msg: 'Activity failed', tenantId, workflowId, runId, activity: 'logCrmNote', attempt: 1 },
      );
      assert.equal(line!.service, 'hubspot');
      assert.ok(!('traceId' in line!));
    });
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    let tracing: Tracing;
    let harness: ProductHarness;
    before(async () => {
      tracing = traceTo(new SimpleSpanProcessor(exporter), serviceResource('followup-test'));
      harness = await startProductHarness({ tracing });
    });
    after(async () => {
      await harness?.close();
      await tracing?.shutdown();
    });

    it('the line carries the trace of the activity it is about', async () => {
      const { warnings } = await warningsOfRevokedNote(harness);
      assert.equal(warnings.length, 1);
      const traceId = warnings[0]!.traceId;
      assert.match(String(traceId), /^[0-9a-f]{32}$/);
      const activitySpans = exporter.getFinishedSpans().filter((span) => span.name === 'RunActivity:logCrmNote');
      assert.ok(activitySpans.some((span) => span.spanContext().traceId === traceId), 'the traceId is the logCrmNote activity’s trace');
    });
  });
});
