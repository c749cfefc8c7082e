import { Context } from '@temporalio/activity';

const heartbeatIntervalMs = 2_000;

/**
 * Runs `work` while heartbeating every two seconds. With a heartbeat timeout on the activity,
 * Temporal notices a dead worker within that timeout and retries elsewhere, instead of waiting
 * out the much longer start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const heartbeat = setInterval(() => context.heartbeat(), heartbeatIntervalMs);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }
}
