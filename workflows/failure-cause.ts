import { ActivityFailure } from '@temporalio/common';

/**
 * What an activity threw: a scheduled activity's failure reaches the workflow wrapped in an
 * ActivityFailure, a local activity's as it was thrown.
 */
export function failureCause(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}
