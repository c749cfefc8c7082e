import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/processes';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The real worker entry point (worker.ts) as a separate OS process, so tests can SIGKILL it. */
export interface WorkerProcess {
  process: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Each worker gets free operations ports unless `env` names them, so workers and parallel runs never collide. */
export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  const operationsPorts = {
    WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    WORKER_HEALTH_HOST: '127.0.0.1',
    WORKER_HEALTH_PORT: String(await freePort()),
  };
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'worker.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...operationsPorts, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in time:\n${output}`)), readyTimeoutMs);
    const check = (): void => {
      if (output.includes('"msg":"Worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
