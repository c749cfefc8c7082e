/**
 * Dynamic config every Temporal dev server of this project starts with (`npm start`, the tests'
 * root hooks, the benchmark and drill stacks), one list so they cannot drift. docker-compose's
 * server reads the same settings from deploy/temporal/dynamicconfig.yaml.
 *
 * Task queue priority needs the priority-aware matcher, and fairness (tenants' fair shares by
 * fairnessKey and fairnessWeight) its own switch on top. Server 1.32 (the pinned CLI's) has the
 * matcher on by default but not fairness; 1.29 and 1.30 need both, so both are set
 * (test/infra/temporal-dispatch.test.ts).
 */
export const temporalDynamicConfig: Readonly<Record<string, boolean | number>> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  // Dev server only (one process; compose keeps the default 4 for throughput): priority and
  // fairness order tasks within a partition, so with 4 a burst from one tenant spread over them
  // still went out ahead of another tenant's click (the noisy-neighbour drill, bench/README.md).
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  // The CLI turns this on so attributes created at run time are usable at once; every dev server
  // here registers its attributes with `--search-attribute` before anything runs, so the cache is
  // always right, and on, it read the store's cluster metadata on every lookup: ~400 reads a second
  // through the one SQLite connection during the noisy-neighbour drill's burst (bench/README.md).
  'system.forceSearchAttributesCacheRefreshOnRead': false,
};

/** The same as `temporal server start-dev` flags. */
export const temporalDevServerFlags: readonly string[] = Object.entries(temporalDynamicConfig).flatMap(([key, value]) => [
  '--dynamic-config-value',
  `${key}=${JSON.stringify(value)}`,
]);

/**
 * How a file-backed dev server (`--db-filename`: npm start, the benchmark and drill stacks) keeps
 * its SQLite store. With SQLite's default rollback journal every workflow update waits for its own
 * sync to disk, and the server's one store serialises them: during the noisy-neighbour drill's
 * burst (200 meetings of tenant A) the server took 3.6–4.5 s to accept any worker's task
 * completion (UpdateWorkflowExecution 37–54 ms each, ~3,600 of them in 200 s), so tenant B's
 * click, dispatched first and run in ~200 ms by the worker, still reached HubSpot seconds later.
 * Write-ahead logging appends instead, and `synchronous=normal` syncs at checkpoints only: a killed
 * server loses nothing (the drills kill and restart it), an OS crash may lose the last few updates
 * of a store that is local anyway; the store stays consistent either way (bench/README.md).
 */
export const temporalSqliteStoreFlags: readonly string[] = ['journal_mode=wal', 'synchronous=normal'].flatMap((pragma) => ['--sqlite-pragma', pragma]);
