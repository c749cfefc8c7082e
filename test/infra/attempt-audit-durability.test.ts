import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const notesPath = /^\/crm\/v3\/objects\/notes$/;

/** The note activity's attempt now pending in the workflow (Temporal's own count), 0 when none. */
async function pendingNoteAttempt(harness: ProductHarness, workflowId: string): Promise<number> {
  const description = await harness.client.workflow.getHandle(workflowId).describe();
  const pending = (description.raw.pendingActivities ?? []).find((activity) => activity.activityType?.name === 'logCrmNote');
  return pending?.attempt ?? 0;
}

describe('audit rows of attempts made while the database is down', function () {
  this.timeout(300_000);
  let harness: ProductHarness;
  let proxy: OutageProxy;
  const workers: WorkerProcess[] = [];

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    const database = new URL(harness.env.DATABASE_URL!);
    proxy = await startOutageProxy({ host: database.hostname, port: Number(database.port) });
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await harness?.close();
    await proxy?.close();
  });

  it('survive the worker being killed during the outage: after restart every attempt has one row', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const viaProxy = new URL(harness.env.DATABASE_URL!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const first = await startWorkerProcess({ ...harness.env, DATABASE_URL: viaProxy.toString() });
    workers.push(first);
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    // The worker's database goes away (the API's stays, so the click is taken); two attempts fail
    // on it and cannot write their rows, then the worker dies with the rows only in Temporal.
    await proxy.cut('refused');
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('two note attempts failed on the database', async () => (await pendingNoteAttempt(harness, workflowId)) >= 3, 120_000, 250);
    await first.kill('SIGKILL');
    const whileDown = await inTenant(harness.orm, seeded.tenant.id, (em) => em.count(AuditLog, { workflowId, action: 'crm.note' }));
    assert.equal(whileDown, 0, 'no attempt could write its row during the outage');

    await proxy.restore();
    workers.push(await startWorkerProcess({ ...harness.env, DATABASE_URL: viaProxy.toString() }));
    await waitFor('the note done', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 120_000);

    const rows = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { workflowId, action: 'crm.note' }, { orderBy: { id: 'asc' } }));
    const attempts = rows.map((row) => Number(row.detail.attempt)).sort((a, b) => a - b);
    const last = attempts.at(-1)!;
    assert.ok(last >= 3, `attempts recorded: ${attempts.join(', ')}`);
    assert.deepEqual(attempts, Array.from({ length: last }, (_unused, index) => index + 1), 'one row per attempt, none missing, none twice');
    assert.equal(new Set(rows.map((row) => row.attemptKey)).size, rows.length);
    assert.deepEqual(
      rows.filter((row) => row.result === 'success').map((row) => row.detail.attempt),
      [last],
      'only the last attempt succeeded',
    );
    for (const attempt of [1, 2]) {
      const row = rows.find((candidate) => candidate.detail.attempt === attempt)!;
      assert.equal(row.result, 'failure');
      assert.doesNotMatch(String(row.detail.reason), /No outcome reported/, `attempt ${attempt} keeps its own reason, carried by Temporal`);
    }
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    assert.equal(harness.emulators.hubspot.requestsTo('POST', notesPath).length, 1);
  });
});
