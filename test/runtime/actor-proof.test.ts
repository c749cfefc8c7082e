import assert from 'node:assert/strict';
import { isProvenActor, signActor } from '../../runtime/actor-proof';

const key = 'k'.repeat(43);
const claim = { workflowId: 'meeting:t1:42', tenantId: 't1', slackUserId: 'U1', isAdmin: false };

describe('actor proof', () => {
  it('accepts the actor the API signed, for the meeting it signed it for', () => {
    assert.ok(isProvenActor(key, claim, signActor(key, claim)));
  });

  it('refuses a missing proof, another key, and any changed field (admin flag, user, tenant, meeting)', () => {
    const proof = signActor(key, claim);
    assert.equal(isProvenActor(key, claim, undefined), false);
    assert.equal(isProvenActor(key, claim, signActor('o'.repeat(43), claim)), false);
    for (const changed of [{ isAdmin: true }, { slackUserId: 'U2' }, { tenantId: 't2' }, { workflowId: 'meeting:t1:43' }]) {
      assert.equal(isProvenActor(key, { ...claim, ...changed }, proof), false, JSON.stringify(changed));
    }
  });
});
