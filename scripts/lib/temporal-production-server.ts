// The production Temporal server (go.temporal.io/server, what docker-compose.yml's temporalio/server
// image runs) on this machine, on its own embedded PostgreSQL: Temporal's login and its two databases
// (persistence `temporal`, visibility `temporal_visibility`) set up with temporal-sql-tool exactly
// as compose's admin-tools job does, one process running every service, then the namespace and the
// app's search attributes registered as compose's create-namespace job does. For the benchmarks,
// which measure the app on the server a deployment runs instead of the CLI's SQLite dev server.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { knex } from '@mikro-orm/postgresql';
import { provisionTemporalLogin } from '../../db/database-roles';
import { startEmbeddedPostgres } from './embedded-postgres';
import { spawnWithPrefixedOutput, waitUntil, type ManagedProcess } from './processes';

const repoRoot = path.resolve(__dirname, '..', '..');
const installScript = path.join(repoRoot, 'scripts', 'temporal-server.sh');
// compose's dynamic config: updates, update-with-start and the search-attribute cache refresh the app needs.
const dynamicConfigFile = path.join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml');
const LOOPBACK = '127.0.0.1';
const TEMPORAL_DB_USER = 'temporal';
const PERSISTENCE_DATABASE = 'temporal';
const VISIBILITY_DATABASE = 'temporal_visibility';
const READY_TIMEOUT_MS = 120_000;
const CLI_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 15_000;
/** The server's search-attribute cache refresh (cacheRefreshInterval, 60 s) and a margin. */
const SEARCH_ATTRIBUTE_CACHE_REFRESH_MS = 65_000;

export interface TemporalProductionServerOptions {
  /** Holds Temporal's Postgres data and the rendered server config; kept across starts. */
  dataDir: string;
  /** The frontend's gRPC port. The other services take the next nine ports (port+1 … port+9). */
  port: number;
  /** Port of Temporal's own embedded Postgres. */
  postgresPort: number;
  namespace: string;
  /** Registered as Keyword search attributes of `namespace`. */
  keywordSearchAttributes: readonly string[];
  /** The Temporal CLI (scripts/lib/temporal-cli.ts), used for health, namespace and search attributes. */
  temporalCli: string;
  /** History shards: fixed for the life of the persistence database (Temporal cannot change it later). */
  historyShards?: number;
  /** Lines of the server's output not worth printing. */
  isNoise?: (line: string) => boolean;
}

export interface RunningTemporalProductionServer {
  /** host:port of the frontend. */
  address: string;
  process: ManagedProcess;
  /** The server's own Prometheus metrics (e.g. state transitions, persistence latencies). */
  metricsUrl: string;
  /** On-disk size of Temporal's two databases, as pg_database_size reports them. */
  databaseBytes(): Promise<{ persistence: number; visibility: number }>;
  /** Stops the server, then its Postgres. */
  stop(): Promise<void>;
}

/** Folder with bin/temporal-server, bin/temporal-sql-tool and schema/, built once by scripts/temporal-server.sh. */
export function resolveTemporalServerInstall(): string {
  try {
    return execFileSync('bash', [installScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (error) {
    throw new Error(`Could not obtain the Temporal server: ${installScript} failed (its reasons are printed above).`, { cause: error });
  }
}

function servicePorts(frontend: number) {
  return {
    frontend: { grpc: frontend, membership: frontend + 1, http: frontend + 8 },
    history: { grpc: frontend + 2, membership: frontend + 3 },
    matching: { grpc: frontend + 4, membership: frontend + 5 },
    worker: { grpc: frontend + 6, membership: frontend + 7 },
    metrics: frontend + 9,
  };
}

/** The server's Prometheus metrics, for a server whose frontend listens on `frontendPort`. */
export function temporalServerMetricsUrl(frontendPort: number): string {
  return `http://${LOOPBACK}:${servicePorts(frontendPort).metrics}/metrics`;
}

/**
 * The development-postgres12 config of the server's repository, single process, loopback only. The
 * database password is read from the server's environment by the config template, never written down.
 */
function serverConfig(options: TemporalProductionServerOptions): string {
  const ports = servicePorts(options.port);
  const datastore = (database: string, maxConns: number): string => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${LOOPBACK}:${options.postgresPort}"
        connectProtocol: tcp
        user: ${TEMPORAL_DB_USER}
        password: '{{ env "TEMPORAL_DB_PASSWORD" }}'
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (name: keyof typeof ports, rpc: { grpc: number; membership: number; http?: number }): string => `
  ${name}:
    rpc:
      grpcPort: ${rpc.grpc}
      membershipPort: ${rpc.membership}
      bindOnIP: ${LOOPBACK}${rpc.http ? `\n      httpPort: ${rpc.http}` : ''}`;
  return `# enable-template
# Written by scripts/lib/temporal-production-server.ts at every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${options.historyShards ?? 4}
  datastores:
    postgres-default:${datastore(PERSISTENCE_DATABASE, 20)}
    postgres-visibility:${datastore(VISIBILITY_DATABASE, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${LOOPBACK}
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "${LOOPBACK}:${ports.metrics}"
services:${service('frontend', ports.frontend)}${service('history', ports.history)}${service('matching', ports.matching)}${service('worker', ports.worker)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${LOOPBACK}:${options.port}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "${dynamicConfigFile}"
  pollInterval: 10s
`;
}

/** Generated once per data dir (0600): the login is re-applied with it at every start. */
async function temporalDbPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'temporal-db-password');
  const stored = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (stored?.trim()) return stored.trim();
  const password = randomBytes(18).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: CLI_TIMEOUT_MS * 6 }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }));
  });
}

/** compose's admin-tools job (deploy/temporal/setup-postgres.sh): create, setup-schema -v 0.0, update-schema; safe to rerun. */
async function setUpSchemas(installDir: string, postgresPort: number, password: string): Promise<void> {
  const sqlTool = path.join(installDir, 'bin', 'temporal-sql-tool');
  // The password goes by environment (SQL_PASSWORD), not on a command line other users can list.
  const env = { ...process.env, SQL_PLUGIN: 'postgres12', SQL_HOST: LOOPBACK, SQL_PORT: String(postgresPort), SQL_USER: TEMPORAL_DB_USER, SQL_PASSWORD: password };
  const schemas = [
    [PERSISTENCE_DATABASE, path.join(installDir, 'schema', 'postgresql', 'v12', 'temporal', 'versioned')],
    [VISIBILITY_DATABASE, path.join(installDir, 'schema', 'postgresql', 'v12', 'visibility', 'versioned')],
  ] as const;
  for (const [database, schemaDir] of schemas) {
    for (const args of [['create', '--defaultdb', 'postgres'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', schemaDir]]) {
      const result = await run(sqlTool, ['--db', database, ...args], env);
      // `create` of an existing database fails; setup-schema and update-schema then tell whether it is usable.
      if (!result.ok && args[0] !== 'create') throw new Error(`temporal-sql-tool --db ${database} ${args.join(' ')} failed:\n${result.output}`);
    }
  }
}

/** compose's create-namespace job (deploy/temporal/create-namespace.sh), waiting until the frontend serves the namespace. */
async function registerNamespace(options: TemporalProductionServerOptions, address: string, server: ManagedProcess): Promise<void> {
  const cli = (...args: string[]) => run(options.temporalCli, [...args, '--address', address, '--command-timeout', `${CLI_TIMEOUT_MS / 1000}s`]);
  const wait = (description: string, isReady: () => Promise<boolean>) =>
    waitUntil(description, isReady, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 1000, process: server });
  await wait(`the Temporal server at ${address}`, async () => (await cli('operator', 'cluster', 'health')).output.includes('SERVING'));
  if (!(await cli('operator', 'namespace', 'describe', '--namespace', options.namespace)).ok) {
    const created = await cli('operator', 'namespace', 'create', '--namespace', options.namespace);
    if (!created.ok) throw new Error(`Could not create namespace ${options.namespace}:\n${created.output}`);
  }
  const attributeArgs = options.keywordSearchAttributes.flatMap((name) => ['--name', name, '--type', 'Keyword']);
  const listed = await cli('operator', 'search-attribute', 'list', '--namespace', options.namespace);
  const alreadyRegistered = listed.ok && options.keywordSearchAttributes.every((name) => new RegExp(`\\b${name}\\b`).test(listed.output));
  // A new namespace takes a few seconds to reach the frontend's cache; until then both of these fail.
  await wait(`search attributes in namespace ${options.namespace}`, async () => (await cli('operator', 'search-attribute', 'create', '--namespace', options.namespace, ...attributeArgs)).ok);
  // As compose's job does: every service reads its search-attribute cache again only each 60 s
  // (dynamicconfig.yaml keeps the refresh on read off), and refuses new attributes until then.
  if (!alreadyRegistered) await new Promise((resolve) => setTimeout(resolve, SEARCH_ATTRIBUTE_CACHE_REFRESH_MS));
  await wait(`namespace ${options.namespace} to be served`, async () => (await cli('workflow', 'list', '--namespace', options.namespace, '--limit', '1')).ok);
}

export async function startTemporalProductionServer(options: TemporalProductionServerOptions): Promise<RunningTemporalProductionServer> {
  const installDir = resolveTemporalServerInstall();
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: options.postgresPort, database: 'postgres' });
  const stopPostgres = () => postgres.stop();
  let server: ManagedProcess | undefined;
  try {
    const password = await temporalDbPassword(dataDir);
    await provisionTemporalLogin(postgres.url, { user: TEMPORAL_DB_USER, password });
    await setUpSchemas(installDir, options.postgresPort, password);
    const configFile = path.join(dataDir, 'temporal-server.yaml');
    await fs.writeFile(configFile, serverConfig(options));
    server = spawnWithPrefixedOutput(
      'temporal-server',
      path.join(installDir, 'bin', 'temporal-server'),
      ['--config-file', configFile, '--allow-no-auth', 'start'],
      { env: { ...process.env, TEMPORAL_DB_PASSWORD: password }, isNoise: options.isNoise },
    );
    const address = `${LOOPBACK}:${options.port}`;
    await registerNamespace(options, address, server);
    const running = server;
    const adminUrl = new URL(postgres.url);
    return {
      address,
      process: running,
      metricsUrl: temporalServerMetricsUrl(options.port),
      async databaseBytes() {
        const db = knex({ client: 'pg', connection: adminUrl.toString(), pool: { min: 0, max: 1 } });
        try {
          const size = async (database: string) =>
            Number((await db.raw<{ rows: { bytes: string }[] }>('select pg_database_size(?) as bytes', [database])).rows[0]!.bytes);
          return { persistence: await size(PERSISTENCE_DATABASE), visibility: await size(VISIBILITY_DATABASE) };
        } finally {
          await db.destroy();
        }
      },
      async stop() {
        await running.stop(STOP_GRACE_MS);
        await stopPostgres();
      },
    };
  } catch (error) {
    await server?.stop(STOP_GRACE_MS);
    await stopPostgres();
    throw error;
  }
}
