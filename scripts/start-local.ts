// `npm start`: runs the whole app on this machine with embedded defaults. A Temporal dev server
// (state in .data/temporal), Postgres (embedded in .data/postgres unless DATABASE_URL or
// DATABASE_ADMIN_URL is set) with the app's three logins, migrations, then the worker and the API.
// Ctrl-C stops them in reverse order; data survives restarts.
//
// Environment: TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233, the dev server's UI server, which operators
// open through the operator listener), API_PORT (3000), OPERATOR_PORT (3001, the API's operator
// listener: the Web UI, codec server and audit export, on 127.0.0.1), POSTGRES_PORT (54329),
// LOCAL_DATA_DIR (.data), TEMPORAL_SERVER (`dev`: the CLI's dev server; `production`: the Go server
// on its own embedded Postgres at TEMPORAL_POSTGRES_PORT, POSTGRES_PORT + 1 unless set; no Web UI),
// DATABASE_URL + DATABASE_MIGRATION_URL + DATABASE_MAINTENANCE_URL or DATABASE_ADMIN_URL (either
// skips embedded Postgres), API_PROCESSES and WORKER_PROCESSES (1 each: API processes share the API
// and operator ports through api/cluster.ts, worker processes the task queue), WORKER_NODE_OPTIONS
// (the workers' NODE_OPTIONS only, after the memory defaults of scripts/lib/worker-memory-settings.ts),
// WORKER_PROCESS_TASKS (each worker process's WORKER_TASKS in turn).
// The worker and API run compiled (dist/, built first where stale)
// and also get everything else from our env.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertEmbeddedPostgresCanRun, startEmbeddedPostgres } from './lib/embedded-postgres';
import { provisionLocalDatabaseRoles } from './lib/local-database-roles';
import { localSettings } from './lib/local-settings';
import type { DatabaseUrls } from '../db/database-roles';
import { migrateDatabase } from '../db/migrate';
import { resolveTemporalCli } from './lib/temporal-cli';
import { temporalDevServerFlags, temporalSqliteStoreFlags } from './lib/temporal-dev-server-flags';
import { startTemporalProductionServer } from './lib/temporal-production-server';
import { buildApp, type AppBuild } from './lib/app-build';
import { processCountFromEnv } from './lib/process-count';
import { workerMemoryEnv } from './lib/worker-memory-settings';
import { describeExit, isTcpPortOpen, spawnWithPrefixedOutput, waitForTcpPort, waitUntil, type ManagedProcess } from './lib/processes';

const repoRoot = path.resolve(__dirname, '..');
/** Where Temporal's SQLite file, Postgres' data and the generated local settings live. */
const dataRoot = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? '.data');
const LOOPBACK = '127.0.0.1';
const TEMPORAL_NAMESPACE = 'default';
const SEARCH_ATTRIBUTES = ['TenantId', 'MeetingStatus', 'CrmSyncStatus', 'CrmProvider']; // all Keyword
const EMBEDDED_DATABASE = 'followup';
const embeddedPostgresDir = path.join(dataRoot, 'postgres');
const usesEmbeddedPostgres = !process.env.DATABASE_ADMIN_URL && !process.env.DATABASE_URL;
const READY_TIMEOUT_MS = 60_000;
const HEALTH_CHECK_TIMEOUT_MS = 5_000;
const CHILD_STOP_GRACE_MS = 15_000; // longer than the worker's own shutdownGraceTime, so it can drain

function say(message: string): void {
  console.log(`[start-local] ${message}`);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, got "${raw}".`);
  return port;
}

const ports = {
  temporal: portFromEnv('TEMPORAL_PORT', 7233),
  temporalUi: portFromEnv('TEMPORAL_UI_PORT', 8233),
  api: portFromEnv('API_PORT', 3000),
  operator: portFromEnv('OPERATOR_PORT', 3001),
  postgres: portFromEnv('POSTGRES_PORT', 54329),
  workerMetrics: portFromEnv('WORKER_METRICS_PORT', 9464),
  workerHealth: portFromEnv('WORKER_HEALTH_PORT', 9465),
};
const temporalServerKind = process.env.TEMPORAL_SERVER || 'dev';
if (temporalServerKind !== 'dev' && temporalServerKind !== 'production') {
  throw new Error(`TEMPORAL_SERVER must be "dev" or "production", got "${temporalServerKind}".`);
}
const processCounts = { api: processCountFromEnv('API_PROCESSES'), worker: processCountFromEnv('WORKER_PROCESSES') };
/** Worker n (from 0) serves its metrics and health on the configured ports + 2n. */
function workerOpsPorts(): { metrics: number; health: number }[] {
  return Array.from({ length: processCounts.worker }, (_, index) => ({ metrics: ports.workerMetrics + 2 * index, health: ports.workerHealth + 2 * index }));
}
/**
 * WORKER_PROCESS_TASKS: each worker process's WORKER_TASKS in turn (e.g. "workflows,activities"
 * with WORKER_PROCESSES=2: one process answers workflow tasks, the other runs the activities).
 */
function workerProcessTasks(): string[] {
  const tasks = (process.env.WORKER_PROCESS_TASKS ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  if (tasks.length > processCounts.worker) throw new Error(`WORKER_PROCESS_TASKS names ${tasks.length} processes, WORKER_PROCESSES is ${processCounts.worker}.`);
  return tasks;
}
const temporalAddress = `${LOOPBACK}:${ports.temporal}`;
/** Where the dev server's UI server listens: only the operator listener talks to it. */
const temporalUiServerUrl = `http://${LOOPBACK}:${ports.temporalUi}`;
/** The Web UI as operators open it: through the operator listener, after signing in. */
const webUiUrl = `http://localhost:${ports.operator}`;
const codecEndpoint = `${webUiUrl}/codec`;

// What is running, in start order; shutdown stops it last-first (app, Postgres, Temporal).
const running: { name: string; stop: () => Promise<unknown> }[] = [];
let shuttingDown = false;

async function shutdown(exitCode: number, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  say(reason);
  say('stopping');
  for (let resource = running.pop(); resource; resource = running.pop()) {
    const { name, stop } = resource;
    try {
      await stop();
      say(`stopped ${name}`);
    } catch (error) {
      say(`could not stop ${name}: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = exitCode || 1;
    }
  }
  process.exit(exitCode);
}

/** A process that must keep running: its exit outside a shutdown takes everything down. */
function supervise(child: ManagedProcess): ManagedProcess {
  void child.exited.then((status) => {
    if (!shuttingDown) void shutdown(1, `${child.name} exited unexpectedly (${describeExit(status)})`);
  });
  return child;
}

async function assertPortsFree(): Promise<void> {
  const wanted = [ports.temporal, ports.temporalUi, ports.api, ports.operator, ...workerOpsPorts().flatMap(({ metrics, health }) => [metrics, health])];
  for (const port of wanted) {
    if (await isTcpPortOpen(LOOPBACK, port)) {
      throw new Error(`Port ${port} is already in use (an earlier run still going?). Stop it or pick other ports.`);
    }
  }
}

function isTemporalServing(temporalCli: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      temporalCli,
      ['operator', 'cluster', 'health', '--address', temporalAddress],
      { timeout: HEALTH_CHECK_TIMEOUT_MS },
      (error, stdout) => resolve(!error && stdout.includes('SERVING')),
    );
  });
}

/**
 * While the stack shuts down, the dev server reports every connection and long poll it is asked to
 * close as a warning or error ("Failed to poll for task", "context canceled", "task queue closed").
 * That is a clean stop, not news; a stop that really fails is reported by shutdown() itself.
 */
function isTemporalShutdownNoise(line: string): boolean {
  // The dev server logs logfmt, the production server JSON.
  return shuttingDown && /\blevel=(?:WARN|ERROR)\b|"level":"(?:warn|error)"/.test(line);
}

/** What a deployment runs (docker-compose.yml's server on PostgreSQL), for measuring the app on it; it has no Web UI. */
async function startProductionTemporal(temporalCli: string): Promise<void> {
  const server = await startTemporalProductionServer({
    dataDir: path.join(dataRoot, 'temporal-server'),
    port: ports.temporal,
    postgresPort: portFromEnv('TEMPORAL_POSTGRES_PORT', ports.postgres + 1),
    namespace: TEMPORAL_NAMESPACE,
    keywordSearchAttributes: SEARCH_ATTRIBUTES,
    temporalCli,
    isNoise: isTemporalShutdownNoise,
  });
  supervise(server.process);
  running.push({ name: 'Temporal server', stop: () => server.stop() });
}

async function startTemporal(): Promise<void> {
  const temporalCli = resolveTemporalCli();
  if (temporalServerKind === 'production') return startProductionTemporal(temporalCli);
  const dataDir = path.join(dataRoot, 'temporal');
  await fs.mkdir(dataDir, { recursive: true });
  const server = supervise(
    spawnWithPrefixedOutput('temporal', temporalCli, [
      'server',
      'start-dev',
      '--db-filename',
      path.join(dataDir, 'temporal.sqlite'),
      ...temporalSqliteStoreFlags,
      '--port',
      String(ports.temporal),
      '--ui-port',
      String(ports.temporalUi),
      '--ip',
      LOOPBACK,
      '--namespace',
      TEMPORAL_NAMESPACE,
      '--log-level',
      'warn',
      ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
      ...temporalDevServerFlags,
      // The API's operator listener serves the payload codec, so the Web UI can show decrypted
      // payloads; it serves the UI too, so the endpoint is same-origin and the session cookie goes along.
      '--ui-codec-endpoint',
      codecEndpoint,
    ], { isNoise: isTemporalShutdownNoise }),
  );
  running.push({ name: 'Temporal dev server', stop: () => server.stop(CHILD_STOP_GRACE_MS) });
  await waitUntil(`the Temporal frontend at ${temporalAddress}`, () => isTemporalServing(temporalCli), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 500,
    process: server,
  });
  await waitForTcpPort(LOOPBACK, ports.temporalUi, { timeoutMs: READY_TIMEOUT_MS, process: server });
}

/**
 * The app's database logins, one URL per role: given (DATABASE_URL, DATABASE_MIGRATION_URL,
 * DATABASE_MAINTENANCE_URL), or provisioned here through DATABASE_ADMIN_URL or on an embedded
 * Postgres, with passwords generated once into the data dir.
 */
async function startDatabase(): Promise<DatabaseUrls> {
  const given = { runtime: process.env.DATABASE_URL, migration: process.env.DATABASE_MIGRATION_URL, maintenance: process.env.DATABASE_MAINTENANCE_URL };
  const passwordsFile = path.join(dataRoot, 'database-passwords.json');
  const adminUrl = process.env.DATABASE_ADMIN_URL;
  if (adminUrl) {
    say('provisioning the database roles through DATABASE_ADMIN_URL');
    return provisionLocalDatabaseRoles({ adminUrl, database: new URL(adminUrl).pathname.slice(1) || EMBEDDED_DATABASE, passwordsFile });
  }
  if (given.runtime) {
    if (!given.migration || !given.maintenance) {
      throw new Error('DATABASE_URL needs DATABASE_MIGRATION_URL and DATABASE_MAINTENANCE_URL beside it (or set DATABASE_ADMIN_URL instead).');
    }
    say('using DATABASE_URL, DATABASE_MIGRATION_URL and DATABASE_MAINTENANCE_URL from the environment');
    return { runtime: given.runtime, migration: given.migration, maintenance: given.maintenance };
  }
  const postgres = await startEmbeddedPostgres({
    dataDir: embeddedPostgresDir,
    port: ports.postgres,
    database: EMBEDDED_DATABASE,
  });
  running.push({ name: 'Postgres', stop: () => postgres.stop() });
  return provisionLocalDatabaseRoles({ adminUrl: postgres.url, database: EMBEDDED_DATABASE, passwordsFile });
}

async function startApp(build: AppBuild, databaseUrls: DatabaseUrls, appEnv: Record<string, string>): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(await localSettings(dataRoot)),
    ...appEnv,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE,
    DATABASE_URL: databaseUrls.runtime,
    API_PORT: String(ports.api),
    OPERATOR_HOST: LOOPBACK,
    OPERATOR_PORT: String(ports.operator),
    TEMPORAL_UI_URL: temporalUiServerUrl,
    API_PROCESSES: String(processCounts.api),
    WORKFLOW_BUNDLE_PATH: build.workflowBundlePath,
  };
  // Each process gets only the logins it uses: neither gets the owner's, only the worker the maintenance one.
  delete env.DATABASE_ADMIN_URL;
  delete env.DATABASE_MIGRATION_URL;
  delete env.DATABASE_MAINTENANCE_URL;
  const runCompiled = (name: string, entryPoint: string, processEnv: NodeJS.ProcessEnv): ManagedProcess =>
    supervise(spawnWithPrefixedOutput(name, process.execPath, [entryPoint], { cwd: repoRoot, env: processEnv }));
  // Worker processes share the task queue; each has its own operations ports (workerOpsPorts).
  const tasks = workerProcessTasks();
  const workers = workerOpsPorts().map(({ metrics, health }, index) =>
    runCompiled(processCounts.worker === 1 ? 'worker' : `worker ${index + 1}`, build.workerEntry, {
      ...env,
      ...(tasks[index] ? { WORKER_TASKS: tasks[index] } : {}),
      // The workers' memory settings (heap limits, malloc arenas, as docker-compose.yml gives them) and
      // WORKER_NODE_OPTIONS on top, without the API's NODE_OPTIONS or ours.
      ...workerMemoryEnv(),
      DATABASE_MAINTENANCE_URL: databaseUrls.maintenance,
      WORKER_METRICS_ADDRESS: `${LOOPBACK}:${metrics}`,
      WORKER_HEALTH_HOST: LOOPBACK,
      WORKER_HEALTH_PORT: String(health),
    }),
  );
  const api = runCompiled('api', build.apiClusterEntry, env);
  running.push({
    name: 'worker and API',
    stop: () => Promise.all([...workers.map((worker) => worker.stop(CHILD_STOP_GRACE_MS)), api.stop(CHILD_STOP_GRACE_MS)]),
  });
  await waitForTcpPort(LOOPBACK, ports.api, { timeoutMs: READY_TIMEOUT_MS, process: api });
  await waitForTcpPort(LOOPBACK, ports.operator, { timeoutMs: READY_TIMEOUT_MS, process: api });
}

/** Workflow payloads are encrypted: the Web UI and CLI show them only to a signed-in operator. */
function sayHowOperatorsDecrypt(): void {
  const settingsFile = path.join(dataRoot, 'local-settings.json');
  say(`  Web UI: open ${webUiUrl}/ and sign in with CODEC_OPERATOR_TOKEN from ${settingsFile}; payloads show decrypted.`);
  say(`  CLI: temporal workflow show -w <id> --codec-endpoint ${codecEndpoint} --codec-auth "Bearer <CODEC_OPERATOR_TOKEN>"`);
}

function withMaskedPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '****';
  return parsed.toString();
}

export interface LocalStack {
  temporalAddress: string;
  /** The Web UI as operators open it (the operator listener, behind the operator sign-in). */
  temporalUiUrl: string;
  apiUrl: string;
  /** The API's operator listener: Web UI, codec server and audit export. */
  operatorUrl: string;
  /** The runtime login (DATABASE_URL). */
  databaseUrl: string;
  databaseUrls: DatabaseUrls;
  /** Stops everything (app, Postgres, Temporal) and exits the process with `exitCode`. */
  shutdown(exitCode: number, reason: string): Promise<void>;
}

/** Starts the whole local stack; `appEnv` is added to the worker's and API's environment. */
export async function startLocalStack(appEnv: Record<string, string> = {}): Promise<LocalStack> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(0, `${signal} received`));
  }
  await assertPortsFree();
  // Fails at once, before Temporal starts, when this checkout is one the embedded Postgres cannot run from.
  if (usesEmbeddedPostgres) await assertEmbeddedPostgresCanRun(embeddedPostgresDir);
  // The compiled code and the prebundled workflow code, as the Dockerfile runs them; rebuilt only
  // where a source changed. First, so a compile error stops us before anything runs.
  const build = await buildApp(say);
  await startTemporal();
  say(`Temporal ${temporalServerKind === 'production' ? 'server' : 'dev server'} is up at ${temporalAddress}`);
  const databaseUrls = await startDatabase();
  await migrateDatabase(databaseUrls.migration);
  say('database schema is up to date');
  await startApp(build, databaseUrls, appEnv);

  say('local stack is running (Ctrl-C stops it):');
  say(`  Temporal Web UI  ${webUiUrl}/ (operators sign in once; this machine only)`);
  say(`  Temporal         ${temporalAddress}, namespace ${TEMPORAL_NAMESPACE}`);
  say(`  API              http://localhost:${ports.api} (health: http://localhost:${ports.api}/readyz), ${processCounts.api} process(es)`);
  say(`  Operator         ${webUiUrl} (Web UI, codec server at /codec, audit export, /metrics; this machine only)`);
  for (const [index, { metrics, health }] of workerOpsPorts().entries()) {
    say(`  Worker ${processCounts.worker === 1 ? '  ' : String(index + 1).padEnd(2)}        http://localhost:${health}/readyz and /metrics; Temporal's worker metrics http://localhost:${metrics}/metrics`);
  }
  say(`  Postgres         ${withMaskedPassword(databaseUrls.runtime)} (the app's login; passwords in ${path.join(dataRoot, 'database-passwords.json')} unless given)`);
  sayHowOperatorsDecrypt();
  return {
    temporalAddress,
    temporalUiUrl: webUiUrl,
    apiUrl: `http://${LOOPBACK}:${ports.api}`,
    operatorUrl: `http://${LOOPBACK}:${ports.operator}`,
    databaseUrl: databaseUrls.runtime,
    databaseUrls,
    shutdown,
  };
}

if (require.main === module) {
  startLocalStack().catch((error: unknown) => shutdown(1, `start failed: ${error instanceof Error ? error.message : String(error)}`));
}
