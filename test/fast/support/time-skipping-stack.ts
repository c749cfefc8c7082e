import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../../../wiring/workflow-code';
import { encryptedDataConverter, failureConverterPath, payloadCodecFor } from '../../../runtime/data-converter';
import { meetingSearchAttributes } from '../../../workflows/messages';

/** The workflow code bundled once per run (the worker's own workflowsPath) and the payload codec production uses. */
export interface WorkflowCode {
  workflowBundle: WorkflowBundleWithSourceMap;
  dataConverter: DataConverter;
}

const testServerScript = path.resolve(__dirname, '..', '..', '..', 'scripts', 'temporal-test-server.sh');

let bundling: Promise<WorkflowCode> | undefined;
const servers = new Map<string, Promise<TestWorkflowEnvironment>>();

/** Bundled on first use, so a run of pure unit tests never pays for it. */
export function workflowCode(): Promise<WorkflowCode> {
  if (!bundling) {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
    const dataConverter = encryptedDataConverter(
      payloadCodecFor({ keys: `fast-run:${randomBytes(32).toString('base64')}`, activeKeyId: 'fast-run' }),
    );
    bundling = bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: new DefaultLogger('ERROR') }).then(
      (workflowBundle) => ({ workflowBundle, dataConverter }),
    );
  }
  return bundling;
}

/**
 * One time-skipping test server per name, started on first use (under a second). Its clock is
 * global, so tests that skip time get a server of their own: after the card-action tests, the Java
 * test server 1.31 was seen, now and then, holding its clock for good (cause not pinned down).
 */
export function timeSkippingServer(name: string): Promise<TestWorkflowEnvironment> {
  let server = servers.get(name);
  if (!server) {
    server = workflowCode().then(async ({ dataConverter }) => {
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: testServerLauncher() } },
        client: { dataConverter },
      });
      await registerSearchAttributes(env);
      return env;
    });
    servers.set(name, server);
  }
  return server;
}

/** For the fast tier's root hook: stops the servers the tests started. */
export async function stopTimeSkippingServers(): Promise<void> {
  const started = [...servers.values()];
  servers.clear();
  await Promise.all(started.map(async (server) => (await server.catch(() => undefined))?.teardown()));
}

/** The repo's pinned Java test server (installed into .tools/ on first use; its progress goes to stderr). */
function testServerLauncher(): string {
  try {
    return execFileSync('bash', [testServerScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (error) {
    throw new Error(`Could not obtain Temporal's test server: ${testServerScript} failed (its reasons are printed above).`, { cause: error });
  }
}

/** The workflow upserts these on every change; the test server, like any server, refuses unknown ones. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      meetingSearchAttributes.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
}

/**
 * Runs `work` (a skip or a wait for a result) while waking the test server's clock every 50 ms.
 * The Java test server (1.31) misses the end of work that finishes while its clock is skipping
 * (an activity or workflow task completing) and then waits in real time, up to hours, for its
 * next timer; a balanced lock and unlock of time skipping wakes it without moving time.
 */
export async function withClockAwake<T>(env: TestWorkflowEnvironment, work: Promise<T>): Promise<T> {
  const testService = env.connection.testService;
  if (!testService) throw new Error('This environment has no time-skipping test service.');
  let finished = false;
  const wakeClock = async (): Promise<void> => {
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await testService.lockTimeSkipping({});
      await testService.unlockTimeSkipping({});
    }
  };
  const waking = wakeClock();
  try {
    return await work;
  } finally {
    finished = true;
    await waking;
  }
}
