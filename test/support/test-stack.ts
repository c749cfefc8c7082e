import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DatabaseUrls } from '../../db/database-roles';
import type { AppConfig } from '../../runtime/config';

/**
 * The infrastructure one test run shares: a real Temporal dev server (the official CLI), a
 * real PostgreSQL with the schema migrated, the workflow code bundled once, and the payload
 * codec keys, so the whole suite runs with encrypted payloads as production does.
 */
export interface TestStack {
  env: TestWorkflowEnvironment;
  temporalCliPath: string;
  temporalAddress: string;
  /** The runtime login, as the app uses it (DATABASE_URL). */
  databaseUrl: string;
  /** One URL per login: runtime, migration (owner), maintenance. */
  databaseUrls: DatabaseUrls;
  workflowBundle: WorkflowBundleWithSourceMap;
  /** This run's payload codec keys: every client and worker of the run encrypts with them. */
  payloadCodecKeys: AppConfig['payloadCodec'];
  dataConverter: DataConverter;
  /**
   * The dev server's Web UI server (`upstreamUrl`), the operator listener port a test serves it on,
   * and the UI's address there (`url`), whose `/codec` is the UI's codec endpoint.
   */
  webUi: { upstreamUrl: string; operatorPort: number; url: string };
}

let current: TestStack | undefined;

export function setTestStack(stack: TestStack | undefined): void {
  current = stack;
}

export function testStack(): TestStack {
  if (!current) throw new Error('The test stack is not running: run tests through `npm test` (root hooks start it).');
  return current;
}
