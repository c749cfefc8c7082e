/**
 * Preloaded into the worker by the benchmarks (`--require` in its NODE_OPTIONS, which Node also
 * runs in every worker thread): each thread writes its V8 heap statistics to HEAP_PROBE_DIR once a
 * second. The Temporal SDK runs workflows in a worker thread whose isolate the main thread cannot
 * inspect (Node 20 has no worker.getHeapStatistics()), and that isolate is where cached meetings
 * live. `usedAfterMajorGc` (heap used just after the last full collection) is the live size,
 * without the garbage that `used` includes.
 */
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { isMainThread, threadId } = require('node:worker_threads');

const directory = process.env.HEAP_PROBE_DIR;
if (directory) {
  const file = path.join(directory, `heap-${process.pid}-${threadId}.json`);
  let usedAfterMajorGc;
  new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) usedAfterMajorGc = v8.getHeapStatistics().used_heap_size;
  }).observe({ entryTypes: ['gc'] });
  const write = () => {
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
    const report = { pid: process.pid, threadId, mainThread: isMainThread, at: Date.now(), heap: v8.getHeapStatistics(), usedAfterMajorGc, spaces };
    // Written aside and renamed: a reader never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(report));
    fs.renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 1000).unref();
}
