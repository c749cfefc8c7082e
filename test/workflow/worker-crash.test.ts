import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const notesPath = /^\/crm\/v3\/objects\/notes$/;

describe('meeting workflow: worker killed during a CRM write', function () {
  this.timeout(240_000);
  let harness: ProductHarness;
  const workers: WorkerProcess[] = [];

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await harness?.close();
  });

  it('finishes after a SIGKILL mid-write with exactly one note in the CRM', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const first = await startWorkerProcess(harness.env);
    workers.push(first);
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    // The note is written, but only after the worker that asked for it is dead.
    harness.emulators.hubspot.delayNext({ method: 'POST', path: notesPath }, 3000);
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note request in flight', () => harness.emulators.hubspot.requestsTo('POST', notesPath).length === 1);
    await first.kill('SIGKILL');
    await waitFor('the note written by the dead worker’s request', () => harness.emulators.hubspot.notes().length === 1);

    workers.push(await startWorkerProcess(harness.env));
    await waitFor('the workflow to record the note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 90_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1, 'the retry found the note instead of writing a second one');
    assert.equal(harness.emulators.hubspot.requestsTo('POST', notesPath).length, 1);
  });
});
