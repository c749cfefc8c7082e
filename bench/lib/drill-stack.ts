/**
 * The stack the fault drills run against: the same processes as scripts/start-local.ts (file-backed
 * Temporal dev server, or with DRILL_TEMPORAL=server the production server on PostgreSQL; embedded Postgres, migrations, the compiled worker and API (dist/worker.js,
 * dist/api/cluster.js with API_PROCESSES processes) as child processes, emulators in this process) built from the same parts, but with a handle on each
 * process. startLocalStack cannot serve here: it takes everything down (and exits) when a child
 * dies, which is exactly what a drill does on purpose. Own ports and data dir (.data/drills, wiped
 * at start); the workflow code is prebundled once so a restarted worker is polling in seconds.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { migrateDatabase } from '../../db/migrate';
import { provisionLocalDatabaseRoles } from '../../scripts/lib/local-database-roles';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { temporalDevServerFlags, temporalSqliteStoreFlags } from '../../scripts/lib/temporal-dev-server-flags';
import { startTemporalProductionServer, temporalServerMetricsUrl, type RunningTemporalProductionServer } from '../../scripts/lib/temporal-production-server';
import { freePort, spawnWithPrefixedOutput, waitForTcpPort, waitUntil, type ManagedProcess } from '../../scripts/lib/processes';
import { buildApp } from '../../scripts/lib/app-build';
import { processCountFromEnv } from '../../scripts/lib/process-count';
import { workerMemoryEnv } from '../../scripts/lib/worker-memory-settings';
import { childPids } from './child-process-info';
import { freshDataDir, type BenchStack } from './bench-stack';
import { seedBenchWorkspace, seededStackParts, startEmulatedServices, type EmulatedServices, type EmulatedServicesOptions } from './emulated-services';
import { numberFromEnv } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const LOOPBACK = '127.0.0.1';
const SEARCH_ATTRIBUTES = ['TenantId', 'MeetingStatus', 'CrmSyncStatus', 'CrmProvider'];
const READY_TIMEOUT_MS = 120_000;

function port(name: string, fallback: number): number {
  return Number(process.env[name] || fallback);
}

export interface DrillStack extends Omit<BenchStack, 'shutdown'> {
  /** The pids of the API processes serving the API port (several under API_PROCESSES). */
  apiProcessIds(): number[];
  /** Each worker process's Temporal runtime metrics (Prometheus text: slots, sticky cache, task latencies), first worker first. */
  workerMetricsUrls: string[];
  /** The Temporal dev server's Prometheus metrics (persistence latency, each request's latency). */
  temporalMetricsUrl: string;
  /** Starts the worker (again); returns once its process is spawned. */
  startWorker(): void;
  /** kill -9 of the worker process; resolves once it is gone. */
  killWorker(): Promise<void>;
  /** The API's process: a drill asserts it is still alive. */
  apiProcess(): ManagedProcess;
  /** Stops the Temporal dev server (SIGTERM), keeps it down `downMs` (`whileDown` starts once it is down), starts it again on the same SQLite file. */
  restartTemporal(downMs: number, whileDown?: () => void): Promise<void>;
  /**
   * Stops Postgres (fast shutdown: every connection is cut), keeps it down `downMs` (and until
   * `whileDown`, started once it is down, has finished), starts it again on the same data dir and port.
   */
  stopPostgres(downMs: number, whileDown?: () => Promise<void>): Promise<PostgresOutage>;
  shutdown(): Promise<void>;
}

/** When (Date.now()) each step of a Postgres outage happened, so a drill can tell which requests met it. */
export interface PostgresOutage {
  stopRequestedAt: number;
  /** The server has exited: from here until `startRequestedAt` nothing can reach it. */
  downAt: number;
  startRequestedAt: number;
  /** The server accepts connections again. */
  upAt: number;
}

/** apiProcesses / workerProcesses: as API_PROCESSES / WORKER_PROCESSES (read from the env when not given). */
export type DrillStackOptions = EmulatedServicesOptions & { apiProcesses?: number; workerProcesses?: number };

export async function startDrillStack(options: DrillStackOptions = {}): Promise<DrillStack> {
  const ports = {
    temporal: port('DRILL_TEMPORAL_PORT', 7433),
    api: port('DRILL_API_PORT', 3400),
    operator: port('DRILL_OPERATOR_PORT', 3401),
    postgres: port('DRILL_POSTGRES_PORT', 54349),
  };
  // The dev server's own metrics (persistence and per-request latencies), on a port of its own.
  const temporalMetricsPort = port('DRILL_TEMPORAL_METRICS_PORT', 0) || (await freePort());
  const dataDir = await freshDataDir(process.env.DRILL_DATA_DIR || path.join('.data', 'drills'));
  await fs.mkdir(dataDir, { recursive: true });
  const temporalAddress = `${LOOPBACK}:${ports.temporal}`;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    process.off('SIGINT', stopOnSignal).off('SIGTERM', stopOnSignal);
    for (let stop = stops.pop(); stop; stop = stops.pop()) await stop().catch((error: unknown) => console.error('[drill] stop failed:', error));
  };
  // Ctrl-C during a drill stops this stack too: its Postgres, API and workers would outlive the drill otherwise.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    console.log(`[drill] ${signal}: stopping the drill stack`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);

  let services: EmulatedServices | undefined;
  try {
    const temporalCli = resolveTemporalCli();
    const temporal = drillTemporal(temporalCli, dataDir, ports.temporal, port('DRILL_TEMPORAL_POSTGRES_PORT', ports.postgres + 1), temporalMetricsPort);
    const temporalStarted = temporal.start();
    stops.push(() => temporal.stop());
    const building = buildApp((message) => console.log(`[drill] ${message}`));
    const postgres: RunningEmbeddedPostgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: ports.postgres, database: 'followup' });
    stops.push(() => postgres.stop());
    const databaseUrls = await provisionLocalDatabaseRoles({ adminUrl: postgres.url, database: 'followup' });
    await migrateDatabase(databaseUrls.migration);
    await temporalStarted;
    const build = await building;

    services = await startEmulatedServices(options);
    stops.push(services.stop);
    const env: Record<string, string> = {
      ...services.appEnv,
      DATABASE_URL: databaseUrls.runtime,
      DATABASE_MAINTENANCE_URL: databaseUrls.maintenance,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      API_PORT: String(ports.api),
      OPERATOR_PORT: String(ports.operator),
      WORKFLOW_BUNDLE_PATH: build.workflowBundlePath,
      API_PROCESSES: String(options.apiProcesses ?? processCountFromEnv('API_PROCESSES')),
      // Any free port: nothing reads the health listener, and a fixed one could be taken.
      WORKER_HEALTH_PORT: '0',
    };
    const childEnv = { ...process.env, ...env };
    // The workers' memory settings, as npm start and compose give them; the API keeps its own.
    const workerEnv = { ...childEnv, ...workerMemoryEnv() };

    // Each worker's Temporal metrics on a port of its own, so a drill can read each worker's slots
    // and sticky cache: DRILL_WORKER_METRICS_PORT and the ports after it, or free ones.
    const workerCount = options.workerProcesses ?? processCountFromEnv('WORKER_PROCESSES');
    const firstMetricsPort = port('DRILL_WORKER_METRICS_PORT', 0);
    const metricsPorts = await Promise.all(Array.from({ length: workerCount }, (_, index) => (firstMetricsPort ? firstMetricsPort + index : freePort())));
    const workerEnvAt = (index: number) => ({ ...workerEnv, WORKER_METRICS_ADDRESS: `${LOOPBACK}:${metricsPorts[index]}` });

    let worker: KillableWorker | undefined;
    const startWorker = (): void => {
      if (worker?.running()) throw new Error('the worker is already running');
      worker = spawnKillableWorker(build.workerEntry, workerEnvAt(0));
    };
    startWorker();
    stops.push(() => worker?.kill() ?? Promise.resolve());
    // WORKER_PROCESSES beyond the first share the task queue; only the first is the drills' to kill.
    for (let index = 1; index < workerCount; index++) {
      const extraWorker = spawnWithPrefixedOutput(`worker ${index + 1}`, process.execPath, [build.workerEntry], { cwd: repoRoot, env: workerEnvAt(index) });
      stops.push(() => extraWorker.stop(15_000));
    }
    const api = spawnWithPrefixedOutput('api', process.execPath, [build.apiClusterEntry], { cwd: repoRoot, env: childEnv });
    stops.push(() => api.stop(15_000));
    await waitForTcpPort(LOOPBACK, ports.api, { timeoutMs: READY_TIMEOUT_MS, process: api });
    // A sales team, not one rep: Fathom allows each rep's account 60 calls a minute.
    const seeded = await seedBenchWorkspace(services, env, Math.round(numberFromEnv('DRILL_WORKSPACES', 5)));
    stops.push(seeded.close);

    return {
      apiUrl: `http://${LOOPBACK}:${ports.api}`,
      temporalAddress,
      ...seededStackParts(services, seeded),
      startWorker,
      killWorker: () => worker?.kill() ?? Promise.resolve(),
      apiProcess: () => api,
      temporalMetricsUrl: temporal.metricsUrl,
      workerMetricsUrls: metricsPorts.map((metricsPort) => `http://${LOOPBACK}:${metricsPort}/metrics`),
      // Under API_PROCESSES=1 the launcher is the API itself; otherwise its children are.
      apiProcessIds: () => (api.pid === undefined ? [] : childPids(api.pid).length ? childPids(api.pid) : [api.pid]),
      async restartTemporal(downMs, whileDown) {
        await temporal.stop();
        whileDown?.();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        await temporal.start();
      },
      async stopPostgres(downMs, whileDown) {
        const stopRequestedAt = Date.now();
        await postgres.stop();
        const downAt = Date.now();
        await Promise.all([new Promise((resolve) => setTimeout(resolve, downMs)), whileDown?.()]);
        const startRequestedAt = Date.now();
        await postgres.start();
        return { stopRequestedAt, downAt, startRequestedAt, upAt: Date.now() };
      },
      shutdown: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface KillableWorker {
  running(): boolean;
  /** SIGKILL, no grace: what an OOM kill or a lost host does. Resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * The compiled worker as a plain child (not a ManagedProcess, whose stop() always sends SIGTERM first and
 * so lets the worker drain): the drill needs a kill the worker never sees coming.
 */
function spawnKillableWorker(workerEntry: string, env: NodeJS.ProcessEnv): KillableWorker {
  const child = spawn(process.execPath, [workerEntry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => process.stderr.write(`[worker ${child.pid}] ${line}\n`));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  return {
    running: () => alive,
    async kill() {
      if (alive) child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', killOnExit);
    },
  };
}

/** The drill's Temporal: started, stopped and started again on the same data. */
interface DrillTemporal {
  /** Resolves once the frontend serves. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The server's Prometheus metrics (persistence latency, each request's latency). */
  metricsUrl: string;
}

/**
 * DRILL_TEMPORAL=server: the production server on its own PostgreSQL (scripts/lib/temporal-production-server.ts,
 * what compose runs; a restart stops and starts its Postgres too); otherwise the CLI's file-backed dev server.
 */
function drillTemporal(temporalCli: string, dataDir: string, frontendPort: number, postgresPort: number, devMetricsPort: number): DrillTemporal {
  const address = `${LOOPBACK}:${frontendPort}`;
  if (process.env.DRILL_TEMPORAL === 'server') {
    const options = { dataDir: path.join(dataDir, 'temporal-server'), port: frontendPort, postgresPort, namespace: 'default', keywordSearchAttributes: SEARCH_ATTRIBUTES, temporalCli };
    let server: RunningTemporalProductionServer | undefined;
    return {
      async start() {
        server = await startTemporalProductionServer(options);
      },
      stop: async () => server?.stop(),
      metricsUrl: temporalServerMetricsUrl(frontendPort),
    };
  }
  let server: ManagedProcess | undefined;
  return {
    async start() {
      const started = spawnWithPrefixedOutput('temporal', temporalCli, [
        'server', 'start-dev', '--headless',
        '--db-filename', path.join(dataDir, 'temporal.sqlite'), ...temporalSqliteStoreFlags,
        '--port', String(frontendPort), '--ip', LOOPBACK, '--namespace', 'default', '--log-level', 'error',
        '--metrics-port', String(devMetricsPort),
        ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
        ...temporalDevServerFlags,
      ]);
      server = started;
      await waitUntil(`the Temporal frontend at ${address}`, () => temporalServing(temporalCli, address), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, process: started });
    },
    async stop() {
      await server?.stop(15_000);
    },
    metricsUrl: `http://${LOOPBACK}:${devMetricsPort}/metrics`,
  };
}

function temporalServing(temporalCli: string, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(temporalCli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5_000 }, (error, stdout) =>
      resolve(!error && stdout.includes('SERVING')),
    );
  });
}
