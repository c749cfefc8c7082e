/**
 * A separate OS process that takes from one shared bucket as fast as it may (for
 * test/infra/shared-rate-limit.test.ts): it opens its own pool on DATABASE_URL, says "ready",
 * waits for "go" on stdin, takes for TAKE_FOR_MS, then prints what it was granted and when.
 */
import { passRateLimit } from '../../clients/rate-limit-store';
import { PostgresRateLimitStore } from '../../db/api-rate-limits';
import { openOrm } from '../../db/orm';
import { ExternalServiceError } from '../../domain/service-errors';

async function main(): Promise<void> {
  const orm = await openOrm(process.env.DATABASE_URL!);
  const gate = { store: new PostgresRateLimitStore(orm), maxWaitMs: 200 };
  const rate = JSON.parse(process.env.BUCKET_RATE!) as { capacity: number; refillPerMs: number };
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const startedAt = Date.now();
  let granted = 0;
  while (Date.now() - startedAt < Number(process.env.TAKE_FOR_MS)) {
    try {
      await passRateLimit(gate, { service: 'fathom', key: process.env.BUCKET_KEY!, rate, userMessage: 'rate limited' });
      granted += 1;
    } catch (error) {
      if (!(error instanceof ExternalServiceError) || error.retryAfterMs === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterMs!, 100)));
    }
  }
  process.stdout.write(`${JSON.stringify({ granted, startedAt, endedAt: Date.now() })}\n`);
  await orm.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
