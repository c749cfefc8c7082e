// `npm run check:local-start`: proves the README's start command. Runs `npm start` (on spare
// ports, in a temporary data folder), checks that the Temporal Web UI and the API's health
// endpoint answer and that the codec server is on the operator listener, not the public port,
// starts a workflow, stops with SIGINT, starts again and checks that `temporal workflow list`
// still shows that workflow. Run by .ci/run after the test suite.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveTemporalCli } from './lib/temporal-cli';
import { freePort } from './lib/processes';

const repoRoot = path.resolve(__dirname, '..');
const run = promisify(execFile);

async function waitForHttp(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
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

async function startApp(env: NodeJS.ProcessEnv): Promise<{ stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/start-local.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    stop: async () => {
      child.kill('SIGINT');
      return exited;
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
  try {
    const first = await startApp(env);
    console.log(`[check] Web UI answered ${await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 120_000)}`);
    console.log(`[check] API health answered ${await waitForHttp(`http://127.0.0.1:${ports.api}/readyz`, 120_000)}`);
    const operatorLogin = await waitForHttp(`http://127.0.0.1:${ports.operator}/codec/login`, 10_000);
    const publicLogin = (await fetch(`http://127.0.0.1:${ports.api}/codec/login`)).status;
    if (operatorLogin !== 200 || publicLogin !== 404) {
      throw new Error(`the codec sign-in should answer 200 on the operator port and 404 on the public one, got ${operatorLogin} and ${publicLogin}`);
    }
    console.log('[check] the codec server answers on the operator listener only');
    await run(temporalCli, [
      'workflow', 'start', ...address, '--type', 'meetingFollowUp', '--task-queue', 'meeting-followup', '--workflow-id', workflowId,
      '--input', JSON.stringify({ tenantId: '00000000-0000-0000-0000-000000000000', recordingId: '1', repSlackUserId: 'U0', trigger: 'operator', nudgeAfterMs: 86_400_000, expireAfterMs: 604_800_000, autoLogWhenConfident: false, offeredActions: ['note'] }),
    ]);
    console.log(`[check] first start exited with ${await first.stop()}`);

    const second = await startApp(env);
    await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 120_000);
    const { stdout } = await run(temporalCli, ['workflow', 'list', ...address]);
    if (!stdout.includes(workflowId)) throw new Error(`workflow ${workflowId} is missing after a restart:\n${stdout}`);
    console.log(`[check] after a restart, temporal workflow list still shows ${workflowId}`);
    await run(temporalCli, ['workflow', 'terminate', ...address, '--workflow-id', workflowId, '--reason', 'local start check done']);
    console.log(`[check] second start exited with ${await second.stop()}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('[check] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
