import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { testStack } from './test-stack';

export const historiesDir = path.resolve(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1, saves the workflow's event history (as `temporal workflow show
 * --output json` prints it, the same JSON the Web UI downloads) as a replay fixture under
 * test/histories/. Commit the files: the replay test runs every workflow change against them.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const stack = testStack();
  const { stdout } = await promisify(execFile)(
    stack.temporalCliPath,
    ['workflow', 'show', '--address', stack.temporalAddress, '--namespace', 'default', '--workflow-id', handle.workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await writeFile(path.join(historiesDir, `${name}.json`), stdout);
}
