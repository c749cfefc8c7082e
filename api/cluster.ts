/**
 * Runs API_PROCESSES API processes (default 1) on the same ports: `node dist/api/cluster.js`. The
 * API keeps no state of its own (meetings live in Temporal, the rest in Postgres, operator
 * sessions are signed cookies), so any process may answer any request. node:cluster's primary
 * accepts the connections on both listeners (API_PORT and the operator listener) and hands them
 * round-robin to the processes. A process that dies after it started serving is replaced, as an
 * orchestrator would replace a container; one that fails before serving takes the launcher down
 * with its exit code, so a wrong setting is reported, not retried forever. With API_PROCESSES=1
 * the API runs in this process, without a primary.
 */
import cluster, { type Worker } from 'node:cluster';
import { serveClusterMetrics } from '../runtime/cluster-metrics';

const REPLACE_DELAY_MS = 1_000;
const STOP_GRACE_MS = 15_000; // longer than the API's own 10 s drain

function apiProcessCount(): number {
  const raw = process.env.API_PROCESSES ?? '1';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`API_PROCESSES must be a whole number of at least 1, got "${raw}".`);
  return count;
}

function runPrimary(count: number): void {
  // The API itself, compiled or (under ts-node, which the forks inherit through execArgv) as TypeScript.
  cluster.setupPrimary({ exec: require.resolve('./server') });
  // A scrape reaches one process; that process asks here for every process's metrics.
  serveClusterMetrics();
  let stopping = false;
  const serving = new Set<Worker>();
  const fork = (): void => {
    const worker = cluster.fork();
    worker.once('listening', () => serving.add(worker));
  };
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.delete(worker);
    if (stopping) {
      // process.exitCode: 0 after a stop, the failed process's code after a failed start.
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    if (!wasServing) {
      console.error(`API process ${worker.process.pid} exited before it served (${signal ?? `exit code ${code}`}); stopping.`);
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = code || 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    console.error(`API process ${worker.process.pid} exited (${signal ?? `exit code ${code}`}); starting a replacement.`);
    setTimeout(() => stopping || fork(), REPLACE_DELAY_MS);
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let index = 0; index < count; index++) fork();
}

const count = apiProcessCount();
if (count === 1) void import('./server');
else runPrimary(count);
