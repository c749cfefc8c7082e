import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting, updatesFinished } from '../support/meeting-flow';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const notesPath = /^\/crm\/v3\/objects\/notes$/;
/** A worker bundles the workflow code at start: minutes on a loaded machine. */
const WORKER_READY_TIMEOUT_MS = 300_000;

/** The note activity's attempt now pending in the workflow (Temporal's own count), 0 when none. */
async function pendingNoteAttempt(harness: ProductHarness, workflowId: string): Promise<number> {
  const description = await harness.client.workflow.getHandle(workflowId).describe();
  const pending = (description.raw.pendingActivities ?? []).find((activity) => activity.activityType?.name === 'logCrmNote');
  return pending?.attempt ?? 0;
}

/** How many attempts Temporal ran of the meeting's (only) note activity, from its history. */
async function noteAttemptsRun(harness: ProductHarness, workflowId: string): Promise<number> {
  const { events } = await harness.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = events?.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'logCrmNote');
  const started = events?.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId));
  return started?.activityTaskStartedEventAttributes?.attempt ?? 0;
}

/** Every activity the meeting scheduled, in order, from its history. */
async function activitiesScheduled(harness: ProductHarness, workflowId: string): Promise<string[]> {
  const { events } = await harness.client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

async function pendingActivityNames(harness: ProductHarness, workflowId: string): Promise<string[]> {
  const description = await harness.client.workflow.getHandle(workflowId).describe();
  return (description.raw.pendingActivities ?? []).map((activity) => activity.activityType?.name ?? '');
}

describe('audit rows of attempts made while the database is down', function () {
  this.timeout(900_000);
  let harness: ProductHarness;
  let proxy: OutageProxy;
  const workers: WorkerProcess[] = [];

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    const database = new URL(harness.env.DATABASE_URL!);
    proxy = await startOutageProxy({ host: database.hostname, port: Number(database.port) });
    // One account for every meeting here (two with the same domain would make the match ambiguous).
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await harness?.close();
    await proxy?.close();
  });

  it('survive the worker being killed during the outage: after restart every attempt has one row', async () => {
    const seeded = await harness.seedTenant();
    const viaProxy = new URL(harness.env.DATABASE_URL!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const first = await startWorkerProcess({ ...harness.env, DATABASE_URL: viaProxy.toString() }, WORKER_READY_TIMEOUT_MS);
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
    workers.push(await startWorkerProcess({ ...harness.env, DATABASE_URL: viaProxy.toString() }, WORKER_READY_TIMEOUT_MS));
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

  it('of the last attempt are written once the database is back: the final attempt has its row, exactly once', async () => {
    const seeded = await harness.seedTenant();
    // The emulator is shared with the case above, whose note is there already.
    const notesBefore = harness.emulators.hubspot.notes().length;
    const viaProxy = new URL(harness.env.DATABASE_URL!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    workers.push(await startWorkerProcess({ ...harness.env, DATABASE_URL: viaProxy.toString() }, WORKER_READY_TIMEOUT_MS));
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    // The worker's database stays away across every attempt, the last one included: no attempt
    // follows the last to write the rows, so only the failure Temporal keeps has them.
    await proxy.cut('refused');
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note failed for good', async () => (await meetingState(harness, workflowId)).actions.note.status === 'failed', 240_000, 500);
    await waitFor('the rows handed to the audit activity', async () => (await activitiesScheduled(harness, workflowId)).includes('recordUnwrittenAttemptAudits'), 240_000, 500).catch(
      async (error: Error) => assert.fail(`${error.message}; activities scheduled: ${(await activitiesScheduled(harness, workflowId)).join(', ')}`),
    );
    const whileDown = await inTenant(harness.orm, seeded.tenant.id, (em) => em.count(AuditLog, { workflowId, action: 'crm.note' }));
    assert.equal(whileDown, 0, 'no row could be written during the outage');

    await proxy.restore();
    await waitFor('the audit activity done', async () => !(await pendingActivityNames(harness, workflowId)).includes('recordUnwrittenAttemptAudits'), 180_000, 500);
    await updatesFinished(harness, workflowId);

    const attemptsRun = await noteAttemptsRun(harness, workflowId);
    assert.ok(attemptsRun >= 2, `Temporal ran ${attemptsRun} attempts`);
    const rows = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { workflowId, action: 'crm.note' }, { orderBy: { id: 'asc' } }));
    const attempts = rows.map((row) => Number(row.detail.attempt)).sort((a, b) => a - b);
    assert.deepEqual(attempts, Array.from({ length: attemptsRun }, (_unused, index) => index + 1), 'one row per attempt Temporal ran, the last included, none twice');
    assert.equal(new Set(rows.map((row) => row.attemptKey)).size, rows.length);
    for (const row of rows) {
      assert.equal(row.result, 'failure');
      assert.doesNotMatch(String(row.detail.reason), /No outcome reported/, `attempt ${String(row.detail.attempt)} keeps its own reason`);
    }
    assert.equal(harness.emulators.hubspot.notes().length, notesBefore, 'no note without its database');
  });
});
