import assert from 'node:assert/strict';
import { defaultMaxCachedWorkflows, maxCachedWorkflows } from '../../../worker';

// A workflow cache larger than the workflow thread's heap holds ends the worker with
// ERR_WORKER_OUT_OF_MEMORY once it fills, and every cached meeting stays resident (bench/README.md,
// benchmark 4), so the default follows the heap limit.
describe('worker workflow cache size', () => {
  it('caches the default 250 meetings when the heap is large', () => {
    assert.equal(maxCachedWorkflows({}, 4096), defaultMaxCachedWorkflows);
  });

  it('fills at most a quarter of a limited heap, at 0.24 MiB per cached meeting', () => {
    // 192 MiB of old space, the worker's default (scripts/lib/worker-memory-settings.ts), is a heap limit of 198 MiB.
    assert.equal(maxCachedWorkflows({}, 198), 206);
    assert.equal(maxCachedWorkflows({}, 128), 133);
    assert.equal(maxCachedWorkflows({}, 384), defaultMaxCachedWorkflows);
  });

  it('never goes below 10, however small the heap', () => {
    assert.equal(maxCachedWorkflows({}, 8), 10);
  });

  it('takes WORKER_MAX_CACHED_WORKFLOWS as given', () => {
    assert.equal(maxCachedWorkflows({ WORKER_MAX_CACHED_WORKFLOWS: '500' }, 256), 500);
  });
});
