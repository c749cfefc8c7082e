/**
 * The attack: an operator holds the payload codec (the codec server encrypts for them), so the
 * worker accepts their updates. They name an actor the API never resolved, an admin of the
 * workspace, and ask for the CRM note. Only the API can sign an actor; the worker's activities
 * act for nobody else.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { operatorToken, startProductHarness, type ProductHarness } from '../support/product-harness';
import { testStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('security: an operator forges the actor of an update', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  /** `temporal workflow update execute` through the codec server, as an operator can. */
  const updateAsOperator = async (workflowId: string, name: string, input: unknown): Promise<string> => {
    const stack = testStack();
    const { stdout } = await promisify(execFile)(stack.temporalCliPath, [
      'workflow', 'update', 'execute', '--address', stack.temporalAddress, '--namespace', 'default',
      '--workflow-id', workflowId, '--name', name, '--input', JSON.stringify(input),
      '--codec-endpoint', `${harness.operatorUrl}/codec`, '--codec-auth', `Bearer ${operatorToken}`,
    ]);
    return stdout;
  };

  it('writes no note for a forged admin, shows the refusal on the card and audits it; the rep still can', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    const revisionBefore = (await meetingState(harness, workflowId)).draftRevision;
    const forgedAdmin = { tenantId: seeded.tenant.id, slackUserId: 'U0FORGED', isAdmin: true, proof: 'made-up' };
    await updateAsOperator(workflowId, 'logNote', { actor: forgedAdmin });
    const unsigned = { tenantId: seeded.tenant.id, slackUserId: seeded.rep.slackUserId, isAdmin: false };
    await assert.rejects(updateAsOperator(workflowId, 'editTexts', { actor: unsigned, crmNote: 'Written by someone else' }));

    const state = await meetingState(harness, workflowId);
    assert.equal(harness.emulators.hubspot.notes().length, 0, 'no note was written');
    assert.equal(state.actions.note.status, 'failed');
    assert.equal(state.actions.note.failure?.kind, 'forbidden');
    assert.match(state.actions.note.failure?.message ?? '', /did not come from Slack/);
    assert.equal(state.draftRevision, revisionBefore, 'the forged edit saved nothing');
    const refusals = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { action: 'actor.refused', workflowId }, { orderBy: { createdAt: 'asc' } }));
    assert.deepEqual(
      refusals.map((row) => [row.actor, row.target, row.result]),
      [
        ['U0FORGED', 'crm.note', 'failure'],
        [seeded.rep.slackUserId, 'draft.edited', 'failure'],
      ],
    );

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the rep’s own note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 30_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
  });

  it('refuses an update naming the system actor before it reaches the history', async () => {
    const seeded = await harness.seedTenant();
    const { workflowId } = await prepareMeeting(harness, seeded);
    const revisionBefore = (await meetingState(harness, workflowId)).draftRevision;
    const system = { tenantId: seeded.tenant.id, slackUserId: 'system', isAdmin: true };
    await assert.rejects(updateAsOperator(workflowId, 'editTexts', { actor: system, crmNote: 'Written by no one' }), /system actor/);
    assert.equal((await meetingState(harness, workflowId)).draftRevision, revisionBefore);
  });
});
