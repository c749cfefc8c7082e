import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { waitUntil } from '../../scripts/lib/processes';
import { startOutageProxy, type Outage, type OutageProxy } from '../support/outage-proxy';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { testStack } from '../support/test-stack';

/** Slack gives up after 3 s; what the API may take when its database is gone, leaving room for the network. */
const ANSWER_BOUND_MS = 2_500;

async function timed(request: () => Promise<Response>): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const response = await request();
  const body = await response.text();
  return { status: response.status, body, ms: Date.now() - started };
}

describe('API while its database is unreachable', function () {
  this.timeout(60_000);
  let proxy: OutageProxy;
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    const database = new URL(testStack().databaseUrl);
    proxy = await startOutageProxy({ host: database.hostname, port: Number(database.port) });
    database.port = String(proxy.port);
    harness = await startProductHarness({ startWorker: false, databaseUrl: database.toString() });
    seeded = await harness.seedTenant();
  });
  after(async () => {
    await harness?.close();
    await proxy?.close();
  });

  const click = () => timed(() => harness.click(seeded, { actionId: cardActions.logNote, value: '424242' }));
  const command = () => timed(() => harness.slashCommand(seeded, '424242'));
  const readiness = () => timed(() => fetch(`${harness.apiUrl}/readyz`));
  const liveness = () => timed(() => fetch(`${harness.apiUrl}/livez`));

  for (const outage of ['refused', 'silent'] satisfies Outage[]) {
    it(`answers within ${ANSWER_BOUND_MS} ms and claims nothing when the database is ${outage}, then recovers`, async () => {
      assert.equal((await click()).status, 200, 'a click with the database up');
      await proxy.cut(outage);
      try {
        const refusedClick = await click();
        assert.equal(refusedClick.status, 503);
        assert.ok(refusedClick.ms <= ANSWER_BOUND_MS, `click answered in ${refusedClick.ms} ms`);

        // Slack only shows a command's answer when it is a 200: an ephemeral "nothing was started".
        const refusedCommand = await command();
        assert.equal(refusedCommand.status, 200);
        assert.match(JSON.parse(refusedCommand.body).text, /⚠️.*temporarily unavailable.*Nothing was started/);
        assert.ok(refusedCommand.ms <= ANSWER_BOUND_MS, `command answered in ${refusedCommand.ms} ms`);
        await assert.rejects(harness.client.workflow.getHandle(harness.workflowId(seeded, '424242')).describe());

        const notReady = await readiness();
        assert.equal(notReady.status, 503);
        assert.deepEqual(JSON.parse(notReady.body).checks, { database: false, temporal: true });
        assert.ok(notReady.ms <= ANSWER_BOUND_MS, `/readyz answered in ${notReady.ms} ms`);
        // Not ready, but alive: an orchestrator must not restart the API over its database.
        const alive = await liveness();
        assert.equal(alive.status, 200);
        assert.ok(alive.ms <= ANSWER_BOUND_MS, `/livez answered in ${alive.ms} ms`);
        assert.equal((await timed(() => fetch(`${harness.apiUrl}/healthz`))).status, 503, '/healthz, the old name of /readyz');
      } finally {
        await proxy.restore();
      }
      assert.equal((await readiness()).status, 200, '/readyz once the database is back');
      assert.equal((await click()).status, 200, 'a click once the database is back');
    });
  }

  it('answers clicks again when every new connection takes longer to open than a click may wait (a starved host)', async () => {
    // The pool's connections gone, as in an API process just started or restarted on a busy host.
    await proxy.cut('silent');
    await proxy.restore();
    proxy.slowDown(2_000);
    try {
      // A click that gives up waiting must leave its connection opening, for the next click to use:
      // torn down at the click's own bound, every click starts over and none is ever answered.
      await waitUntil('a click answered', async () => (await click()).status === 200, { timeoutMs: 30_000, intervalMs: 500 });
    } finally {
      proxy.slowDown(0);
    }
  });
});
