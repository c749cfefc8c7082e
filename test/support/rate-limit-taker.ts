/**
 * A separate OS process that takes from one shared bucket as fast as it may (for
 * test/infra/shared-rate-limit.test.ts): it opens its own pool on DATABASE_URL, says "ready",
 * waits for "go" on stdin, then for TAKE_FOR_MS makes calls in LANES parallel lanes, one after
 * another in each, each call its own holder, as an activity would be: a call sent away comes back at the turn it was told. It prints
 * when each call was granted and how many were sent away more than once.
 */
import { withRateLimitHolder } from '../../clients/rate-limit-holder';
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
  const grantedAt: number[] = [];
  let sentAwayTwice = 0;
  const lane = async (laneNumber: number) => {
    for (let call = 0; Date.now() - startedAt < Number(process.env.TAKE_FOR_MS); call += 1) {
      const holder = `${process.pid}-${laneNumber}-${call}`;
      for (let refusals = 0; ; refusals += 1) {
        try {
          await withRateLimitHolder(holder, () => passRateLimit(gate, { service: 'fathom', key: process.env.BUCKET_KEY!, rate, userMessage: 'rate limited' }));
          grantedAt.push(Date.now());
          break;
        } catch (error) {
          if (!(error instanceof ExternalServiceError) || error.retryAfterMs === undefined) throw error;
          if (refusals === 1) sentAwayTwice += 1;
          await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Number(process.env.LANES ?? 1) }, (_, laneNumber) => lane(laneNumber)));
  process.stdout.write(`${JSON.stringify({ granted: grantedAt.length, grantedAt, sentAwayTwice, startedAt, endedAt: Date.now() })}\n`);
  await orm.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
