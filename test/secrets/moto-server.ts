import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/processes';

const MOTO_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'moto.sh');
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LINES_KEPT_FOR_ERRORS = 30;

export interface RunningMotoServer {
  /** e.g. http://127.0.0.1:5055, for the SDK's `endpoint`. */
  endpoint: string;
  /** Forgets every secret (moto's reset API), for test isolation. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Path of moto_server, installed into .tools/moto by scripts/moto.sh on first use. Asynchronous
 * so a first install (a minute from PyPI) does not block the event loop and mocha's timers.
 */
async function motoServerPath(): Promise<string> {
  // The script's progress goes to our stderr; its stdout is only the path.
  const script = spawn('bash', [MOTO_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  script.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    script.once('error', reject);
    script.once('close', resolve);
  });
  if (exitCode !== 0) throw new Error(`${MOTO_SCRIPT} failed with exit code ${exitCode}; its output is above.`);
  return stdout.trim();
}

/** Starts `moto_server` on a free loopback port and resolves once it answers HTTP. */
export async function startMotoServer(): Promise<RunningMotoServer> {
  const serverPath = await motoServerPath(); // first, so the port is still free when moto binds it
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(serverPath, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });

  // moto logs every request; kept quietly and shown only if it fails to start.
  const recentOutput: string[] = [];
  const keepOutput = (chunk: Buffer): void => {
    recentOutput.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    recentOutput.splice(0, Math.max(0, recentOutput.length - OUTPUT_LINES_KEPT_FOR_ERRORS));
  };
  child.stdout.on('data', keepOutput);
  child.stderr.on('data', keepOutput);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const reset = async (): Promise<void> => {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset answered HTTP ${response.status}`);
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killTimer);
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`Could not run moto_server: ${spawnError.message}`);
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering:\n${recentOutput.join('\n')}`);
    }
    if (await reset().then(() => true, () => false)) return { endpoint, reset, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms:\n${recentOutput.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
