/**
 * Where the worker's workflow code is, and the interceptors every workflow runs behind: one place
 * for the worker, the build, the benchmarks and both test tiers, so all of them run the same code.
 */
export const workflowsPath = require.resolve('../workflows');

export const workflowInterceptorModules = [require.resolve('../workflows/unencrypted-input')];
