/**
 * Where the worker's workflow code is, and the interceptors every workflow runs behind: one place
 * for the worker, the build, the benchmarks and both test tiers, so all of them run the same code.
 */
export const workflowsPath = require.resolve('../workflows');

export const workflowInterceptorModules = [
  require.resolve('../workflows/unencrypted-input'),
  // Carries the caller's trace context onto the activities a run schedules; runs started while the
  // full OpenTelemetry interceptor was deployed keep it, and their spans leave the sandbox through
  // the sink wiring/worker-tracing.ts registers.
  require.resolve('./workflow-tracing-interceptors'),
  // Names the tenant on every line a workflow logs.
  require.resolve('./workflow-log-attributes'),
];
