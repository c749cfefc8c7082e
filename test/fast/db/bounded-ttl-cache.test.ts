import assert from 'node:assert/strict';
import { BoundedTtlCache } from '../../../db/bounded-ttl-cache';

describe('BoundedTtlCache: what the API remembers of tenants is bounded in time and size', () => {
  it('forgets an entry once its time is up', () => {
    let now = 0;
    const cache = new BoundedTtlCache<string, number>({ maxEntries: 10, ttlMs: 1_000 }, () => now);
    cache.set('T1', 1);
    now = 999;
    assert.equal(cache.get('T1'), 1);
    now = 1_000;
    assert.equal(cache.get('T1'), undefined);
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const cache = new BoundedTtlCache<string, number>({ maxEntries: 2, ttlMs: 60_000 });
    cache.set('T1', 1);
    cache.set('T2', 2);
    cache.set('T1', 11); // set again: now the newest
    cache.set('T3', 3);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('T2'), undefined);
    assert.equal(cache.get('T1'), 11);
    assert.equal(cache.get('T3'), 3);
  });

  it('forgets every entry a change concerns', () => {
    const cache = new BoundedTtlCache<string, { tenantId: string }>({ maxEntries: 10, ttlMs: 60_000 });
    cache.set('T1', { tenantId: 'a' });
    cache.set('E1', { tenantId: 'a' });
    cache.set('T2', { tenantId: 'b' });
    cache.deleteWhere((_, value) => value.tenantId === 'a');
    assert.deepEqual([cache.get('T1'), cache.get('E1'), cache.get('T2')], [undefined, undefined, { tenantId: 'b' }]);
  });
});
