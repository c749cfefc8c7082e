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
};

/** The same as `temporal server start-dev` flags. */
export const temporalDevServerFlags: readonly string[] = Object.entries(temporalDynamicConfig).flatMap(([key, value]) => [
  '--dynamic-config-value',
  `${key}=${JSON.stringify(value)}`,
]);
