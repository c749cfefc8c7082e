import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, waitUntil } from '../../scripts/lib/processes';
import { startProductHarness, type ProductHarness } from '../support/product-harness';

const repoRoot = path.resolve(__dirname, '..', '..');
const REFUSED_REQUESTS = 10;

/**
 * API_PROCESSES=2 (api/cluster.ts): node:cluster hands each connection to one of the two processes
 * in turn, the Prometheus scrape too. The scrape must count what both processes did, whichever of
 * them answers it.
 */
describe('/metrics with API_PROCESSES=2', function () {
  this.timeout(300_000);
  let harness: ProductHarness;
  let launcher: ChildProcess | undefined;
  let output = '';

  before(async function () {
    harness = await startProductHarness({ startWorker: false });
  });

  after(async function () {
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      const exited = new Promise((resolve) => launcher!.once('exit', resolve));
      launcher.kill('SIGTERM');
      await exited;
    }
    await harness?.close();
  });

  it('sums a counter both processes incremented in one scrape, whichever process answers it', async function () {
    const [apiPort, operatorPort] = [await freePort(), await freePort()];
    launcher = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'api/cluster.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...harness.env,
        API_PORT: String(apiPort),
        OPERATOR_HOST: '127.0.0.1',
        OPERATOR_PORT: String(operatorPort),
        API_PROCESSES: '2',
        LOG_LEVEL: 'info',
        // Two processes compiling TypeScript at once on a busy machine: the API's 1 s database connect budget is for Slack's clicks, not for this.
        API_DATABASE_CONNECT_TIMEOUT_MS: '60000',
        API_DATABASE_ACQUIRE_TIMEOUT_MS: '60000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Both processes listening: from then on the primary hands connections to each in turn.
    await waitUntil(
      'both API processes to listen',
      async () => {
        if (launcher!.exitCode !== null) throw new Error(`The API launcher exited with ${launcher!.exitCode}:\n${output}`);
        return (output.match(/"msg":"API listening"/g) ?? []).length === 2;
      },
      { timeoutMs: 240_000, intervalMs: 200 },
    );

    // Unsigned Slack commands: each refused (401) and counted by the process that answered it.
    for (let request = 0; request < REFUSED_REQUESTS; request++) {
      const response = await fetch(`http://127.0.0.1:${apiPort}/slack/commands`, { method: 'POST', headers: { connection: 'close' }, body: 'command=%2Ffollowup' });
      assert.equal(response.status, 401);
    }

    const refusedCount = /^followup_slack_ack_seconds_count\{route="\/slack\/commands",outcome="refused"\} (\d+)$/m;
    for (let scrape = 0; scrape < 2; scrape++) {
      const response = await fetch(`http://127.0.0.1:${operatorPort}/metrics`, { headers: { connection: 'close' } });
      assert.equal(response.status, 200);
      const body = await response.text();
      assert.equal(Number(refusedCount.exec(body)?.[1]), REFUSED_REQUESTS, `scrape ${scrape + 1} counts every refused request:\n${body.split('\n').filter((line) => line.startsWith('followup_slack_ack')).join('\n')}`);
    }
  });
});
