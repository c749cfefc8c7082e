/**
 * Why an accepted click's ack costs more than a rejected one (issue 15 §2): the update's accept
 * round trip alone, outside the product, on Temporal dev servers of its own (in-memory and
 * file-backed SQLite, as `npm start` runs it) and workers in this process with and without eager
 * activity reservations. Each round times, per variant in rotating order (A/B alternating, so a
 * machine loaded by others slows every variant alike), one accepted update (validator passes,
 * the handler upserts a search attribute and schedules two activities) and one rejected update
 * (validator refuses: a speculative workflow task, nothing written), from the call to ACCEPTED or
 * to the rejection. Run: `ts-node --transpile-only bench/accepted-update.ts`
 * (ACCEPTED_UPDATE_ROUNDS, default 60; ACCEPTED_UPDATE_PORTS, default 8340,8341).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { resolveTemporalCli } from '../scripts/lib/temporal-cli';
import { spawnWithPrefixedOutput, waitForTcpPort, type ManagedProcess } from '../scripts/lib/processes';
import { installBenchRuntime } from './lib/bench-runtime';
import { freshDataDir } from './lib/bench-stack';
import { acceptedUpdate, actUpdate, finishSignal } from './lib/accepted-update-workflow';
import { numberFromEnv, numberListFromEnv, printTable, summarize, writeResults, type Row } from './lib/stats';

type Persistence = 'memory' | 'sqlite-file';

interface Variant {
  name: string;
  client: Client;
  taskQueue: string;
  accepted: number[];
  rejected: number[];
}

async function startDevServer(persistence: Persistence, port: number, dataDir: string): Promise<ManagedProcess> {
  const args = ['server', 'start-dev', '--headless', '--port', String(port), '--ip', '127.0.0.1', '--log-level', 'error', '--search-attribute', 'MeetingStatus=Keyword'];
  if (persistence === 'sqlite-file') args.push('--db-filename', path.join(dataDir, `temporal-${port}.sqlite`));
  const server = spawnWithPrefixedOutput(`temporal-${persistence}`, resolveTemporalCli(), args);
  await waitForTcpPort('127.0.0.1', port, { process: server, timeoutMs: 120_000});
  return server;
}

async function main(): Promise<void> {
  const rounds = Math.round(numberFromEnv('ACCEPTED_UPDATE_ROUNDS', 60));
  const [memoryPort, filePort] = numberListFromEnv('ACCEPTED_UPDATE_PORTS', [8340, 8341]);
  const dataDir = await freshDataDir(path.join('.data', 'accepted-update'));
  await fs.mkdir(dataDir, { recursive: true });
  installBenchRuntime();
  const servers: ManagedProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  const variants: Variant[] = [];
  try {
    for (const [persistence, port] of [['memory', memoryPort!], ['sqlite-file', filePort!]] as const) {
      servers.push(await startDevServer(persistence, port, dataDir));
      const address = `127.0.0.1:${port}`;
      const client = new Client({ connection: await Connection.connect({ address }) });
      for (const eager of [3, 0]) {
        const taskQueue = `accepted-update-eager-${eager}`;
        const connection = await NativeConnection.connect({ address });
        const worker = await Worker.create({
          connection,
          taskQueue,
          workflowsPath: require.resolve('./lib/accepted-update-workflow'),
          activities: { act: async () => undefined },
          maxEagerActivityReservationsPerWorkflowTask: eager,
        });
        const running = worker.run();
        stops.push(async () => {
          worker.shutdown();
          await running;
          await connection.close();
        });
        variants.push({ name: `${persistence}, eager reservations ${eager}`, client, taskQueue, accepted: [], rejected: [] });
      }
    }
    const loadBefore = os.loadavg().map((load) => load.toFixed(2)).join(' ');
    console.log(`[accepted-update] ${rounds} rounds over ${variants.length} variants (load average ${loadBefore})`);
    for (let turn = 0; turn < rounds; turn++) {
      for (let offset = 0; offset < variants.length; offset++) {
        const variant = variants[(turn + offset) % variants.length]!;
        const handle = await variant.client.workflow.start(acceptedUpdate, { workflowId: `accepted-update-${randomUUID()}`, taskQueue: variant.taskQueue });
        // The first click after the workflow has settled into the worker's cache, as a card waits for the rep.
        await handle.query('__stack_trace').catch(() => undefined);
        let startedAt = performance.now();
        const update = await handle.startUpdate(actUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
        variant.accepted.push(performance.now() - startedAt);
        await update.result();
        startedAt = performance.now();
        // A rejected update's handle comes back with its outcome already known: result() settles without a call.
        const rejected = await handle.startUpdate(actUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
        if (await rejected.result().then(() => true, () => false)) throw new Error('the second update was accepted');
        variant.rejected.push(performance.now() - startedAt);
        await handle.signal(finishSignal);
      }
    }
    const rows = variants.map((variant): Row => {
      const accepted = summarize(variant.accepted);
      const rejected = summarize(variant.rejected);
      return { variant: variant.name, n: variant.accepted.length, 'accepted p50': accepted.p50, 'accepted p90': accepted.p90, 'rejected p50': rejected.p50, 'rejected p90': rejected.p90 };
    });
    const loadAfter = os.loadavg().map((load) => load.toFixed(2)).join(' ');
    printTable(`Accepted vs rejected update, ms from the call to ACCEPTED / rejection (load average ${loadBefore} → ${loadAfter})`, rows);
    console.log(`[accepted-update] results: ${writeResults('accepted-update', { loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, rounds, rows })}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    for (const server of servers) await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[accepted-update] failed:', error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
