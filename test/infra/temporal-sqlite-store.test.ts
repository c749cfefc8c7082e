import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, spawnWithPrefixedOutput, waitUntil, type ManagedProcess } from '../../scripts/lib/processes';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { temporalSqliteStoreFlags } from '../../scripts/lib/temporal-dev-server-flags';

/**
 * A file-backed dev server started with the project's store flags (npm start, the bench and drill
 * stacks) keeps its SQLite store write-ahead logged, and a server killed without warning still has
 * every workflow it had accepted when it starts again on the same file.
 */
describe('a file-backed Temporal dev server started with the project’s store flags', function () {
  this.timeout(180_000);
  let dataDir: string;
  let port: number;
  let server: ManagedProcess | undefined;
  let connection: Connection | undefined;

  const storeFile = () => path.join(dataDir, 'temporal.sqlite');

  async function startServer(): Promise<Client> {
    const [httpPort, metricsPort] = [await freePort(), await freePort()];
    server = spawnWithPrefixedOutput('temporal-store', resolveTemporalCli(), [
      'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--log-level', 'error', '--namespace', 'default',
      '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
      '--db-filename', storeFile(), ...temporalSqliteStoreFlags,
    ]);
    await waitUntil('the store test’s Temporal server', async () => {
      connection = await Connection.connect({ address: `127.0.0.1:${port}` }).catch(() => undefined);
      return connection !== undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, process: server });
    return new Client({ connection: connection! });
  }

  async function killServer(): Promise<void> {
    await connection?.close();
    connection = undefined;
    // No grace: SIGKILL right after SIGTERM, as a crash or an OOM kill would end it.
    await server?.stop(0);
  }

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'temporal-store-'));
    port = await freePort();
  });
  after(async () => {
    await killServer();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('writes its store with a write-ahead log and loses no accepted workflow when killed', async () => {
    const client = await startServer();
    const workflowId = `store-${randomUUID()}`;
    await client.workflow.start('notRunHere', { taskQueue: `store-${randomUUID()}`, workflowId, args: [] });
    // SQLite's header says WAL (bytes 18 and 19, the file format's write and read versions, are 2).
    const header = Buffer.alloc(20);
    const file = await fs.open(storeFile(), 'r');
    await file.read(header, 0, 20, 0).finally(() => file.close());
    assert.deepEqual([header[18], header[19]], [2, 2], 'the store is not in WAL mode');

    await killServer();
    const restarted = await startServer();
    const description = await restarted.workflow.getHandle(workflowId).describe();
    assert.equal(description.status.name, 'RUNNING');
  });
});
