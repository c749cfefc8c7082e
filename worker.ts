/**
 * The Temporal worker process: runs the meeting workflows and their activities. Refuses to
 * start on an unknown database schema; drains in-flight work on SIGINT/SIGTERM.
 */
// First: compiles every module below with the V8 code of an earlier start when there is one.
import { keepCodeCacheForNextStart } from './runtime/code-cache';
import { existsSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { DataConverter } from '@temporalio/common';
import { Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from './activities';
import { connectCheckedOrm, unconnectedMaintenanceOrm, unconnectedOrm } from './db/orm';
import { TenantChangeFeed } from './db/tenant-change-feed';
import { loadConfig } from './runtime/config';
import { encryptedDataConverter, payloadCodecFor } from './runtime/data-converter';
import { countExternalCalls, externalServiceClassifier } from './runtime/external-call-metrics';
import { createLogger } from './runtime/logger';
import { startTracing, type Tracing } from './runtime/tracing';
import { tracingEnabled } from './runtime/tracing-enabled';
import { activityLogContext } from './wiring/activity-log-context';
import { activityRateLimitHolder } from './wiring/activity-rate-limit-holder';
import { countingActivityRetries } from './wiring/activity-retry-metrics';
import { buildActivityDependencies, buildSecretStore, keptPerTenant } from './wiring/services';
import { connectTemporalClient, connectTemporalWorker } from './wiring/temporal-connection';
import { temporalRuntimeOptions } from './wiring/temporal-runtime-logging';
import { ensureTranscriptPurgeSchedule } from './wiring/transcript-purge-schedule';
import { workflowInterceptorModules, workflowsPath } from './wiring/workflow-code';
import { tracingActivities, workflowSpanSinks } from './wiring/worker-tracing';
import { startWorkerHealthListener } from './wiring/worker-health-listener';
import { workerTuningFromEnv, type WorkerTuning } from './wiring/worker-tuning';


/**
 * Meetings wait days for a click, but a burst of clicks (or one tenant's hundreds of open meetings)
 * on more meetings than the cache holds makes every workflow task a full replay: a 100-meeting
 * burst waited seconds per click with 52 cached, ~0.1 s with 200 (bench/README.md, "Ack path
 * re-run"). WORKER_MAX_CACHED_WORKFLOWS overrides it.
 */
export const defaultMaxCachedWorkflows = 250;

/**
 * Cached meetings live in the workflow thread's V8 heap, which has the same limit as the process's
 * (--max-old-space-size; scripts/lib/worker-memory-settings.ts gives 192 MiB). A prepared meeting
 * holds ~0.13 MiB live in the running worker, up to ~0.18 while meetings are being prepared
 * (benchmark 4, 300 cached; 0.67 MiB while every run carried its own copy of the OpenTelemetry
 * workflow interceptor, see wiring/trace-context-propagation.ts); 0.24 leaves room for what these
 * estimates miss. A cache the heap cannot hold ends the worker with ERR_WORKER_OUT_OF_MEMORY once
 * it fills, so the cache fills at most a quarter of the limit (206 meetings at the default heap):
 * the rest is the thread's own ~22 MiB and room for garbage, without which V8 collects all the
 * time. The worker's resident memory follows the cache (benchmark 4).
 */
const cachedMeetingMiB = 0.24;
const cacheShareOfHeapLimit = 0.25;
const minimumCachedWorkflows = 10;

export function maxCachedWorkflows(env: NodeJS.ProcessEnv = process.env, heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20): number {
  if (env.WORKER_MAX_CACHED_WORKFLOWS) return Number(env.WORKER_MAX_CACHED_WORKFLOWS);
  const heapBudget = Math.floor((heapLimitMiB * cacheShareOfHeapLimit) / cachedMeetingMiB);
  return Math.max(minimumCachedWorkflows, Math.min(defaultMaxCachedWorkflows, heapBudget));
}

export interface MeetingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** The payload codec and failure converter every client of these workflows uses too. */
  dataConverter: DataConverter;
  /** Prebundled workflow code (built with the same failureConverterPath and workflowInterceptorModules); bundling at start is the fallback for development. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where the workflows' and activities' spans go (runtime/tracing.ts; its processor drops them while tracing is off). */
  tracing: Pick<Tracing, 'spanProcessor' | 'resource'>;
  /** Which tasks this process takes and its slot and poller settings (WORKER_TASKS and the rest, wiring/worker-tuning.ts). */
  tuning?: WorkerTuning;
}

export function createMeetingWorker(options: MeetingWorkerOptions): Promise<Worker> {
  const activityInterceptors = [tracingActivities, activityLogContext, countingActivityRetries, activityRateLimitHolder];
  const tuning = options.tuning ?? { tasks: 'all', options: {} };
  const workflowCode = options.workflowBundle
    ? { workflowBundle: options.workflowBundle, interceptors: { activity: activityInterceptors } }
    : { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules, activity: activityInterceptors } };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // Without workflow code the worker polls only activity tasks; without remote activities, only workflow tasks.
    ...(tuning.tasks === 'activities' ? { interceptors: { activity: activityInterceptors } } : workflowCode),
    ...(tuning.tasks === 'workflows' ? { enableNonLocalActivities: false } : {}),
    ...tuning.options,
    sinks: workflowSpanSinks(options.tracing),
    activities: createActivities(options.dependencies),
    dataConverter: options.dataConverter,
    maxCachedWorkflows: maxCachedWorkflows(),
    shutdownGraceTime: '10 seconds',
  });
}

function prebundledWorkflows(): WorkerOptions['workflowBundle'] | undefined {
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH ?? path.join(__dirname, 'workflow-bundle.js');
  return existsSync(bundlePath) ? { codePath: bundlePath } : undefined;
}

async function main(): Promise<void> {
  const tracing = await startTracing('followup-worker');
  const config = loadConfig();
  const tuning = workerTuningFromEnv();
  const logger = createLogger({ level: config.logLevel, base: { process: 'worker' } });
  Runtime.install({
    ...temporalRuntimeOptions(logger, config.logLevel),
    // Temporal's own worker metrics (task slots, poll and schedule-to-start latencies, task failures), on their own port.
    telemetryOptions: { metrics: { prometheus: { bindAddress: config.worker.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } },
  });
  countExternalCalls(externalServiceClassifier(config));
  if (!config.databaseMaintenanceUrl) throw new Error('DATABASE_MAINTENANCE_URL is not set: the worker runs the cross-tenant jobs on it.');
  const dataConverter = encryptedDataConverter(payloadCodecFor(config.payloadCodec));
  // The longest step of a start is Worker.create starting the workflow thread (the SDK evaluates the
  // bundle there, ~0.3 s on another core), so it starts as soon as the Temporal connection is up;
  // meanwhile this thread connects and checks the databases, connects the client, listens for
  // tenant changes and ensures the purge schedule. Nothing polls before all of them are done.
  const connecting = connectTemporalWorker(config.temporal);
  // Entity metadata only, enough to build the activities; they connect below.
  const orm = unconnectedOrm(config.databaseUrl);
  const maintenanceOrm = unconnectedMaintenanceOrm(config.databaseMaintenanceUrl);
  const secrets = buildSecretStore(config, orm);
  const dependencies = buildActivityDependencies({ config, orm, maintenanceOrm, secrets, logger });
  // Tells the kept Slack clients and card views of installs, uninstalls and reinstalls, whichever process made them.
  const tenantChanges = new TenantChangeFeed(orm, keptPerTenant(dependencies), (error) => logger.warn('Tenant change feed unavailable', { error }));
  let worker: Worker | undefined;
  // Node tells when a thread is created: the SDK's only one is the workflow thread.
  const workflowThreadCreated = new Promise<void>((resolve) => process.once('worker', () => resolve()));
  const creating = connecting.then((connection) =>
    createMeetingWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dependencies,
      dataConverter,
      workflowBundle: prebundledWorkflows(),
      tracing,
      tuning,
    }).then((created) => (worker = created)),
  );
  // Worker.create reads the bundle and its source map on this thread (~0.1 s) before it creates the
  // workflow thread; the rest of the start waits for that so as not to delay it (a worker without
  // workflows creates no thread, hence the race).
  await Promise.race([workflowThreadCreated, creating]).catch(() => undefined);
  const connectingClient = connectTemporalClient(config.temporal, dataConverter, { traced: tracingEnabled() });
  const starting = Promise.all([
    creating,
    connectingClient.then((client) => ensureTranscriptPurgeSchedule(client, config.temporal.taskQueue)),
    // The schema and login checks, before the worker may poll.
    Promise.all([connectCheckedOrm(orm), maintenanceOrm.connect()]).then(() => tenantChanges.start()),
  ]);
  const health = await startWorkerHealthListener({
    host: config.worker.healthHost,
    port: config.worker.healthPort,
    // RUNNING once it polls: after every step of the start, checks included.
    ready: () => worker?.getState() === 'RUNNING',
  });
  logger.info('Worker health listener (livez, readyz, metrics) listening', { host: config.worker.healthHost, port: health.port });
  // A failure here ends the process (main's catch), as a failed database open always did.
  const [createdWorker, schedule] = await starting;
  const [client, connection] = await Promise.all([connectingClient, connecting]);
  try {
    logger.info('Transcript retention schedule ready', { schedule });
    const codeCache = keepCodeCacheForNextStart();
    logger.info('Worker started', { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, maxCachedWorkflows: maxCachedWorkflows(), tasks: tuning.tasks, ...tuning.options, codeCache });
    await createdWorker.run();
    logger.info('Worker stopped');
  } finally {
    await tenantChanges.close();
    await health.close();
    await client.connection.close();
    await connection.close();
    await orm.close();
    await maintenanceOrm.close();
    await tracing.shutdown();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('Worker failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
