import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { createLogger } from '../../../runtime/logger';
import { serviceResource, traceTo } from '../../../runtime/tracing';
import { temporalLoggerFor } from '../../../wiring/temporal-runtime-logging';
import { logNoteUpdate } from '../../../workflows/messages';
import { waitFor } from '../../support/wait-for';
import { withStubbedMeeting } from '../support/stubbed-meeting';
import { timeSkippingServer, workflowCode } from '../support/time-skipping-stack';

describe('what a meeting workflow logs', function () {
  this.timeout(60_000);

  it('a failed action is one JSON line naming the tenant, the workflow and its run', async () => {
    const lines: string[] = [];
    const workflowLogger = temporalLoggerFor(createLogger({ level: 'info', write: (line) => lines.push(line) }));
    await withStubbedMeeting({ server: 'workflow log lines', scenario: { noteRefusals: 1 }, workflowLogger }, async (meeting) => {
      await waitFor('the prepared card', () => meeting.services.cards.find((card) => card.status === 'awaiting-rep'));
      const failed = await meeting.handle.executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
      assert.equal(failed.status, 'failed');
      const line = await waitFor('the line about the failed action', () =>
        lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'Meeting action failed'),
      );
      assert.equal(line.level, 'info');
      assert.equal(line.tenantId, meeting.rep.tenantId);
      assert.equal(line.workflowId, meeting.handle.workflowId);
      assert.equal(line.runId, meeting.handle.firstExecutionRunId);
      assert.equal(line.workflowType, 'meetingFollowUp');
      assert.equal(line.action, 'note');
      assert.equal(lines.filter((text) => text.includes('Meeting action failed')).length, 1, 'one line for the one event');
    });
  });

  it('a line logged while handling a click sent inside a trace carries that trace’s id', async () => {
    const lines: string[] = [];
    const workflowLogger = temporalLoggerFor(createLogger({ level: 'info', write: (line) => lines.push(line) }));
    // The API's side: a span active while the update is sent, and Temporal's client interceptor, which puts its context in a header.
    const tracing = traceTo(new SimpleSpanProcessor(new InMemorySpanExporter()), serviceResource('followup-api'));
    try {
      await withStubbedMeeting({ server: 'workflow log lines', scenario: { noteRefusals: 1 }, workflowLogger }, async (meeting) => {
        await waitFor('the prepared card', () => meeting.services.cards.find((card) => card.status === 'awaiting-rep'));
        const [env, { dataConverter }] = await Promise.all([timeSkippingServer('workflow log lines'), workflowCode()]);
        const api = new Client({ connection: env.client.connection, dataConverter, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
        const traceId = await trace.getTracer('test').startActiveSpan('POST /slack/interactions', async (span) => {
          await api.workflow.getHandle(meeting.handle.workflowId).executeUpdate(logNoteUpdate, { args: [{ actor: meeting.rep }] });
          span.end();
          return span.spanContext().traceId;
        });
        const line = await waitFor('the line about the failed action', () =>
          lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'Meeting action failed'),
        );
        assert.equal(line.traceId, traceId);
      });
    } finally {
      await tracing.shutdown();
    }
  });

  it('SDK lines use the app’s names for the run, the activity and the trace', () => {
    const lines: string[] = [];
    const sdkLogger = temporalLoggerFor(createLogger({ write: (line) => lines.push(line) }));
    sdkLogger.warn('Activity failed', {
      workflowId: 'meeting:t:1',
      workflowRunId: 'run-1',
      activityType: 'logCrmNote',
      attempt: 2,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(
      { runId: line.runId, activity: line.activity, attempt: line.attempt, traceId: line.traceId, spanId: line.spanId },
      { runId: 'run-1', activity: 'logCrmNote', attempt: 2, traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },
    );
    assert.ok(!('workflowRunId' in line) && !('activityType' in line) && !('trace_id' in line));
  });
});
