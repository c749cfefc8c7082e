import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker, type InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { tracingOff } from '../../runtime/tracing';
import { workflowSpanSinks } from '../../wiring/worker-tracing';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historiesDir } from '../support/history-recorder';
import { testStack } from '../support/test-stack';

/**
 * Determinism guard: histories recorded from the integration tests must replay on the current
 * workflow code. A change that would break meetings already running fails here, in CI.
 */
describe('workflow replay', function () {
  this.timeout(120_000);

  async function recordedHistories(): Promise<{ name: string; history: ReturnType<typeof historyFromJSON> }[]> {
    const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
    return Promise.all(
      files.map(async (file) => ({ name: file, history: historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, file), 'utf8'))) })),
    );
  }

  it('replays every recorded meeting history on the current workflow code', async () => {
    const histories = await recordedHistories();
    assert.ok(histories.length >= 3, 'replay fixtures are committed under test/histories');
    for (const { name, history } of histories) {
      // Runs traced the old way hand their workflow spans to this sink, as on the worker.
      const sinks = workflowSpanSinks(tracingOff('followup-worker'));
      await assert.doesNotReject(Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle, sinks }, history), `${name} must replay`);
    }
  });

  it('replays the meetings started under the full OpenTelemetry interceptor with it, workflow spans included', async () => {
    // Recorded on the code of patch `opentelemetry-tracing`, before new runs carried only the trace context.
    const traced = (await recordedHistories()).filter(({ name }) => name.startsWith('opentelemetry-traced-'));
    assert.ok(traced.length >= 1, 'histories traced the old way are committed under test/histories');
    for (const { name, history } of traced) {
      let spans = 0;
      const sinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> = {
        exporter: { export: { fn: (_info, exported) => void (spans += exported.length), callDuringReplay: true } },
      };
      await assert.doesNotReject(Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle, sinks }, history), `${name} must replay`);
      assert.ok(spans > 0, `${name} replays through the OpenTelemetry interceptor`);
    }
  });

  it('rejects a non-deterministic change (negative control)', async () => {
    const changedBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./nondeterministic-workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const [first] = await recordedHistories();
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: changedBundle }, first!.history), DeterminismViolationError);
  });
});
