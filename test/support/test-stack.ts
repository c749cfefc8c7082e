import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

/**
 * The infrastructure one test run shares: a real Temporal dev server (the official CLI), a
 * real PostgreSQL with the schema migrated, and the workflow code bundled once.
 */
export interface TestStack {
  env: TestWorkflowEnvironment;
  temporalCliPath: string;
  temporalAddress: string;
  databaseUrl: string;
  workflowBundle: WorkflowBundleWithSourceMap;
}

let current: TestStack | undefined;

export function setTestStack(stack: TestStack | undefined): void {
  current = stack;
}

export function testStack(): TestStack {
  if (!current) throw new Error('The test stack is not running: run tests through `npm test` (root hooks start it).');
  return current;
}
