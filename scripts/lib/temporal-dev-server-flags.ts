/**
 * Dynamic config every Temporal dev server of this project starts with (`npm start`, the tests'
 * root hooks, the benchmark and drill stacks), one list so they cannot drift. docker-compose's
 * server reads the same settings from deploy/temporal/dynamicconfig.yaml.
 *
 * Task queue priority needs the priority-aware matcher, and fairness (tenants' fair shares by
 * fairnessKey and fairnessWeight) its own switch on top. Both are set here rather than left to the
 * server's defaults, which have changed between server versions.
 */
export const temporalDynamicConfig: Readonly<Record<string, boolean>> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
};

/** The same as `temporal server start-dev` flags. */
export const temporalDevServerFlags: readonly string[] = Object.entries(temporalDynamicConfig).flatMap(([key, value]) => [
  '--dynamic-config-value',
  `${key}=${JSON.stringify(value)}`,
]);
