import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
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
      await assert.doesNotReject(Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle }, history), `${name} must replay`);
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
