import assert from 'node:assert/strict';
import { defaultMaxCachedWorkflows, maxCachedWorkflows } from '../../../worker';

// A workflow cache larger than the workflow thread's heap holds ends the worker with
// ERR_WORKER_OUT_OF_MEMORY once it fills (bench/README.md, benchmark 4), so the default follows the heap limit.
describe('worker workflow cache size', () => {
  it('caches the default 200 meetings when the heap is large', () => {
    assert.equal(maxCachedWorkflows({}, 4096), defaultMaxCachedWorkflows);
  });

  it('caches only what a limited heap holds (the SDK budget: 200 MiB plus 600 workflows per GiB)', () => {
    assert.equal(maxCachedWorkflows({}, 384), 107);
    assert.equal(maxCachedWorkflows({}, 256), 32);
  });

  it('never goes below 10, however small the heap', () => {
    assert.equal(maxCachedWorkflows({}, 128), 10);
  });

  it('takes WORKER_MAX_CACHED_WORKFLOWS as given', () => {
    assert.equal(maxCachedWorkflows({ WORKER_MAX_CACHED_WORKFLOWS: '500' }, 256), 500);
  });
});
