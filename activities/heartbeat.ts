import { Context } from '@temporalio/activity';

const heartbeatIntervalMs = 2_000;

/**
 * Runs `work` while heartbeating every two seconds. With a heartbeat timeout on the activity,
 * Temporal notices a dead worker within that timeout and retries elsewhere, instead of waiting
 * out the much longer start-to-close timeout. `details` are sent with every beat: what the
 * next attempt must receive even if this one dies (activities/attempt-audit.ts).
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const context = Context.current();
  const heartbeat = setInterval(() => context.heartbeat(details()), heartbeatIntervalMs);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }
}
