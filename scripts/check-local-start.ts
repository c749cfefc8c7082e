// `npm run check:local-start`: proves the README's start command. Runs `npm start` (on spare
// ports, in a temporary data folder), checks that the Temporal Web UI and the API's health
// endpoint answer, that the codec server is on the operator listener, not the public port, and
// that the operator listener serves the Web UI to an operator only,
// starts a workflow, stops with SIGINT (a clean stop prints no WARN or ERROR line), starts again and
// checks that `temporal workflow list` still shows that workflow. Run by .ci/run after the test suite.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { localSettings } from './lib/local-settings';
import { resolveTemporalCli } from './lib/temporal-cli';
import { freePort } from './lib/processes';

const repoRoot = path.resolve(__dirname, '..');
const run = promisify(execFile);

/** Waits for `url` to answer (below 500); fails at once when the app it belongs to has exited. */
async function waitForHttp(url: string, timeoutMs: number, app: RunningApp): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.exitCode() !== undefined) throw new Error(`npm start exited (code ${app.exitCode()}) before ${url} answered; its output is above`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return response.status;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface RunningApp {
  /** undefined while it runs; its exit code (null: killed by a signal) once it has exited. */
  exitCode(): number | null | undefined;
  /** Ctrl-C, as a person stops it; fails when the stop printed a WARN or ERROR line. */
  stop(): Promise<number | null>;
  /** After a failed check: Ctrl-C, then SIGKILL if it has not stopped within 30 s, so nothing outlives the check. */
  abandon(): Promise<void>;
}

/** A warning or error in any of the stack's formats: Temporal's `level=WARN`, the SDK's `[WARN]`, our JSON logs. */
const WARNING_LINE = /\b(?:WARN|ERROR)\b|"level":"(?:warn|error)"/;

function startApp(env: NodeJS.ProcessEnv): RunningApp {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/start-local.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopping = false;
  const warningsWhileStopping: string[] = [];
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
    readline.createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
      to.write(`${line}\n`);
      if (stopping && WARNING_LINE.test(line)) warningsWhileStopping.push(line);
    });
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    exitCode: () => exitCode,
    abandon: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
    stop: async () => {
      stopping = true;
      child.kill('SIGINT');
      const code = await exited;
      if (warningsWhileStopping.length > 0) {
        throw new Error(`a clean stop printed ${warningsWhileStopping.length} WARN or ERROR line(s):\n${warningsWhileStopping.join('\n')}`);
      }
      return code;
    },
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'followup-local-start-'));
  await chmod(dataDir, 0o755); // as root, Postgres runs as the `postgres` user, which must reach its data folder
  const ports = { temporal: await freePort(), ui: await freePort(), api: await freePort(), operator: await freePort(), postgres: await freePort(), workerMetrics: await freePort(), workerHealth: await freePort() };
  const env = {
    ...process.env,
    LOCAL_DATA_DIR: dataDir,
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    API_PORT: String(ports.api),
    OPERATOR_PORT: String(ports.operator),
    POSTGRES_PORT: String(ports.postgres),
    WORKER_METRICS_PORT: String(ports.workerMetrics),
    WORKER_HEALTH_PORT: String(ports.workerHealth),
    DATABASE_URL: '',
    DATABASE_ADMIN_URL: '',
  };
  const temporalCli = resolveTemporalCli();
  const address = ['--address', `127.0.0.1:${ports.temporal}`];
  const workflowId = `local-start-check-${Date.now()}`;
  const started: RunningApp[] = [];
  try {
    const first = startApp(env);
    started.push(first);
    console.log(`[check] Web UI server answered ${await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 120_000, first)}`);
    console.log(`[check] API health answered ${await waitForHttp(`http://127.0.0.1:${ports.api}/readyz`, 120_000, first)}`);
    const operatorLogin = await waitForHttp(`http://127.0.0.1:${ports.operator}/codec/login`, 10_000, first);
    const publicLogin = (await fetch(`http://127.0.0.1:${ports.api}/codec/login`)).status;
    if (operatorLogin !== 200 || publicLogin !== 404) {
      throw new Error(`the codec sign-in should answer 200 on the operator port and 404 on the public one, got ${operatorLogin} and ${publicLogin}`);
    }
    console.log('[check] the codec server answers on the operator listener only');
    const webUi = await fetch(`http://127.0.0.1:${ports.operator}/namespaces/default/workflows`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    if (webUi.status !== 302 || !webUi.headers.get('location')?.startsWith('/codec/login?next=')) {
      throw new Error(`the Web UI on the operator listener should send a browser without a session to the sign-in page, got ${webUi.status} ${webUi.headers.get('location')}`);
    }
    const { CODEC_OPERATOR_TOKEN: operatorToken } = await localSettings(dataDir);
    const signedIn = await fetch(`http://127.0.0.1:${ports.operator}/`, { headers: { accept: 'text/html', authorization: `Bearer ${operatorToken}` } });
    if (signedIn.status !== 200 || !/<html/i.test(await signedIn.text())) throw new Error(`the Web UI on the operator listener should answer an operator, got ${signedIn.status}`);
    console.log('[check] the operator listener serves the Web UI, behind the sign-in');
    // Through the codec server, as an operator would (the worker refuses input not encrypted with the
    // payload key), and delayed: the workflow must exist across the restart, but not run (its made-up
    // tenant would make its activities log warnings, at any moment, a stop included).
    const codec = ['--codec-endpoint', `http://127.0.0.1:${ports.operator}/codec`, '--codec-auth', `Bearer ${operatorToken}`];
    await run(temporalCli, [
      'workflow', 'start', ...address, ...codec, '--start-delay', '1h', '--type', 'meetingFollowUp', '--task-queue', 'meeting-followup', '--workflow-id', workflowId,
      '--input', JSON.stringify({ tenantId: '00000000-0000-0000-0000-000000000000', recordingId: '1', repSlackUserId: 'U0', trigger: 'operator', nudgeAfterMs: 86_400_000, expireAfterMs: 604_800_000, autoLogWhenConfident: false, offeredActions: ['note'] }),
    ]);
    console.log(`[check] first start exited with ${await first.stop()}`);

    const second = startApp(env);
    started.push(second);
    await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 120_000, second);
    await waitForHttp(`http://127.0.0.1:${ports.api}/healthz`, 120_000, second);
    const { stdout } = await run(temporalCli, ['workflow', 'list', ...address]);
    if (!stdout.includes(workflowId)) throw new Error(`workflow ${workflowId} is missing after a restart:\n${stdout}`);
    console.log(`[check] after a restart, temporal workflow list still shows ${workflowId}`);
    await run(temporalCli, ['workflow', 'terminate', ...address, '--workflow-id', workflowId, '--reason', 'local start check done']);
    console.log(`[check] second start exited with ${await second.stop()}`);
  } finally {
    // A check that failed half-way must not leave Temporal, Postgres or the app running.
    await Promise.all(started.map((app) => app.abandon()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('[check] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
