import type { Context } from 'koa';
import type { Logger } from '../../runtime/logger';

/**
 * Runs a task once the HTTP answer has left, for the work Slack must not wait for (its 3-second
 * ack budget): reads from other services and Slack calls that only update what the user sees.
 * Nothing durable belongs here; durable work goes to a workflow before the answer.
 */
export function afterResponse(ctx: Context, logger: Logger, what: string, task: () => Promise<void>): void {
  let started = false;
  const run = (): void => {
    if (started) return;
    started = true;
    task().catch((error: unknown) => logger.error(`${what} failed`, { error }));
  };
  // 'close' also covers a caller that hung up before the answer was written.
  ctx.res.once('finish', run);
  ctx.res.once('close', run);
}
