/**
 * The attack: reach Temporal directly (its port, without the payload key), list the workflows,
 * then act on a meeting as an admin of its workspace or erase a tenant. Every workflow input is
 * encrypted by the app, and the worker refuses any that is not.
 */
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { inTenant } from '../../db/tenant-scope';
import { Tenant } from '../../entities';
import { secretNames } from '../../secrets/secret-store';
import { cardActions } from '../../slack/action-ids';
import { deleteTenantWorkflowId } from '../../workflows/data-lifecycle-types';
import { logNoteUpdate, retrySignal } from '../../workflows/messages';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { testStack } from '../support/test-stack';

describe('security: Temporal reached without the payload key', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let intruder: Client;

  before(async () => {
    harness = await startProductHarness();
    // The default data converter: plain JSON, no codec.
    intruder = new Client({ connection: testStack().env.connection, namespace: 'default' });
  });
  after(async () => harness?.close());

  it('cannot log a note as an admin of the workspace, and the meeting keeps working', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    const listed = [];
    for await (const execution of intruder.workflow.list({ query: `WorkflowId = '${workflowId}'` })) listed.push(execution.workflowId);
    assert.deepEqual(listed, [workflowId], 'the intruder can see the meeting exists');

    const forgedActor = { tenantId: seeded.tenant.id, slackUserId: seeded.rep.slackUserId, isAdmin: true };
    // Refused; the reason is encrypted like every failure, so the intruder cannot even read it.
    await assert.rejects(intruder.workflow.getHandle(workflowId).executeUpdate(logNoteUpdate, { args: [{ actor: forgedActor }] }));
    await intruder.workflow.getHandle(workflowId).signal(retrySignal, { by: 'operator' });

    const state = await meetingState(harness, workflowId);
    assert.equal(state.actions.note.status, 'idle', 'no note was attempted');
    assert.equal(harness.emulators.hubspot.notes().length, 0);
    const described = await harness.client.workflow.getHandle(workflowId).describe();
    assert.equal(described.status.name, 'RUNNING', 'the forged messages did not wedge or end the meeting');
  });

  it('cannot erase a tenant by starting deleteTenant', async () => {
    const target = await harness.seedTenant();
    const handle = await intruder.workflow.start('deleteTenant', {
      taskQueue: harness.taskQueue,
      workflowId: deleteTenantWorkflowId(target.tenant.id),
      args: [{ tenantId: target.tenant.id, requestedBy: 'intruder' }],
    });
    await assert.rejects(handle.result());
    const failed = await harness.client.workflow.getHandle(handle.workflowId).describe();
    assert.equal(failed.status.name, 'FAILED');
    const tenant = await inTenant(harness.orm, target.tenant.id, (em) => em.findOneOrFail(Tenant, { id: target.tenant.id }));
    assert.equal(tenant.status, 'active');
    assert.notEqual(await harness.secrets.get(secretNames.slackBotToken(target.tenant.id)), null, 'the bot token is still there');
  });
});
