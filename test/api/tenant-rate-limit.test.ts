import assert from 'node:assert/strict';
import { TenantRateLimit } from '../../api/http/tenant-rate-limit';

describe('TenantRateLimit', () => {
  it('admits a workspace’s requests up to the limit per window, each workspace on its own', () => {
    let now = 0;
    const limit = new TenantRateLimit({ requests: 2, windowMs: 1_000 }, () => now);
    assert.deepEqual([limit.admit('a'), limit.admit('a'), limit.admit('a')], [true, true, false]);
    assert.equal(limit.admit('b'), true, 'another workspace is not held back');
    now = 1_000;
    assert.equal(limit.admit('a'), true, 'a new window admits again');
  });

});
