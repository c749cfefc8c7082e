// Child-process helpers shared by scripts/start-local.ts, the demo and tests: run a long-lived
// process with its output prefixed, wait until something it serves is up, stop it gracefully.
import { spawn } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(status: ExitStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
}

const DEFAULT_STOP_GRACE_MS = 10_000;

/**
 * A child started in its own process group. That keeps a terminal's Ctrl-C (sent to the whole
 * foreground group) away from it, so the parent decides the shutdown order, and lets stop()
 * reach anything the child started itself.
 */
export class ManagedProcess {
  /** Resolves once the process has exited (or failed to start); never rejects. */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;

  constructor(
    readonly name: string,
    readonly pid: number | undefined,
    exited: Promise<ExitStatus>,
  ) {
    this.exited = exited.then((status) => {
      this.status = status;
      return status;
    });
    // Last resort if the parent exits without stopping us: a detached child would outlive it.
    const killOnParentExit = (): void => this.signal('SIGKILL');
    process.on('exit', killOnParentExit);
    void this.exited.then(() => process.removeListener('exit', killOnParentExit));
  }

  /** How it exited, or undefined while it is still running. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** SIGTERM to the process group, SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<ExitStatus> {
    if (this.status) return this.status;
    this.signal('SIGTERM');
    const escalation = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(escalation);
    }
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.pid === undefined || this.status) return;
    try {
      process.kill(-this.pid, signal); // negative pid: the whole process group
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

function forwardLines(from: Readable, to: Writable, prefix: string, isNoise: (line: string) => boolean): void {
  readline.createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
    if (!isNoise(line)) to.write(`${prefix}${line}\n`);
  });
}

export interface PrefixedOutputOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Lines not worth printing (asked at each line, so the answer may change, e.g. once shutting down). */
  isNoise?: (line: string) => boolean;
}

/** Starts `command`, printing each line it writes as "[name] line" on our stdout/stderr. */
export function spawnWithPrefixedOutput(name: string, command: string, args: readonly string[], options: PrefixedOutputOptions = {}): ManagedProcess {
  const { isNoise = () => false, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `[${name}] `;
  forwardLines(child.stdout, process.stdout, prefix, isNoise);
  forwardLines(child.stderr, process.stderr, prefix, isNoise);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      process.stderr.write(`${prefix}could not start ${command}: ${error.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  return new ManagedProcess(name, child.pid, exited);
}

/**
 * Polls `isReady` until it returns true. Fails after `timeoutMs`, or at once if `process` exits
 * first, with a message naming what was awaited.
 */
export async function waitUntil(
  description: string,
  isReady: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await isReady()) return;
    const exitStatus = options.process?.exitStatus;
    if (exitStatus) {
      throw new Error(`${options.process?.name} exited (${describeExit(exitStatus)}) before ${description}.`);
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${description}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True if something accepts TCP connections on host:port right now. */
export function isTcpPortOpen(host: string, port: number, connectTimeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(connectTimeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function waitForTcpPort(
  host: string,
  port: number,
  options: { timeoutMs: number; process?: ManagedProcess },
): Promise<void> {
  return waitUntil(`${host}:${port} to accept connections`, () => isTcpPortOpen(host, port), options);
}
