/**
 * The token buckets of clients/rate-limit-store.ts in PostgreSQL, one row per key, shared by
 * every worker and API process. A take is one statement (INSERT … ON CONFLICT DO UPDATE …
 * RETURNING): the row lock serialises concurrent takers of one key, with no advisory lock and
 * no read-then-write round trip. Time is the database's, so processes with drifting clocks
 * still refill one bucket at one pace. The row keeps what its last taker was told
 * (`last_wait_ms`, `last_granted`), because RETURNING sees only the row as updated. The
 * arithmetic is InProcessRateLimitStore's (clients/in-process-rate-limit-store.ts), in SQL.
 */
import type { BucketRate, RateLimitStore, TakeResult } from '../clients/rate-limit-store';
import type { MaintenanceOrm, Orm } from './orm';

const now = 'statement_timestamp()';
const cost = 'cast(:cost as float8)';
const maxWait = 'cast(:maxWaitMs as float8)';
const capacity = 'cast(:capacity as float8)';
const refillPerMs = 'cast(:refillPerMs as float8)';
const msBetween = (later: string, earlier: string) => `(extract(epoch from (${later} - ${earlier})) * 1000)`;

/** The bucket as it stands now: refilled since it was last counted (never while paused), capped at its capacity. */
const refilled = `least(${capacity}, b.tokens + greatest(0, ${msBetween(now, 'b.refilled_at')}) * ${refillPerMs})`;
/** The rest of a pause: refilled_at lies in the future until the server's reset. */
const pauseLeft = `greatest(0, ${msBetween('b.refilled_at', now)})`;
/** Tokens owed to callers sent away earlier; a full bucket means none came back for theirs. */
const deferred = `(case when ${refilled} >= ${capacity} then 0 else b.deferred end)`;
/** Until this caller's tokens are there, ignoring anyone sent away before. */
const wait = `(${pauseLeft} + greatest(0, (${cost} - ${refilled}) / ${refillPerMs}))`;
/** Tokens there now go to whoever asks; a short wait is reserved only when nobody queues ahead. */
const granted = `((${pauseLeft} = 0 and ${refilled} >= ${cost}) or (${wait} <= ${maxWait} and ${deferred} = 0))`;
/** A refused caller's turn: behind every caller sent away before it. */
const queuedWait = `(${pauseLeft} + greatest(0, (${cost} - ${refilled} + ${deferred}) / ${refillPerMs}))`;

/** A new bucket starts full, and this take is its first spend. */
const takeSql = `
  insert into api_rate_limit as b (key, tokens, capacity, refill_per_ms, refilled_at, paused_until, last_wait_ms, last_granted)
  values (:key, ${capacity} - ${cost}, ${capacity}, ${refillPerMs}, ${now}, null, 0, true)
  on conflict (key) do update set
    tokens = case when ${granted} then ${refilled} - ${cost} else ${refilled} end,
    deferred = case when ${granted} then greatest(0, ${deferred} - ${cost}) else ${deferred} + ${cost} end,
    capacity = ${capacity},
    refill_per_ms = ${refillPerMs},
    refilled_at = greatest(b.refilled_at, ${now}),
    last_wait_ms = case when ${granted} then ${wait} else ${queuedWait} end,
    last_granted = ${granted}
  returning last_wait_ms, last_granted`;

const pauseEnd = `(${now} + make_interval(secs => cast(:waitMs as float8) / 1000))`;
/**
 * A 429 or a spent window pauses the key: the bucket keeps at most one token and does not refill
 * until the server's reset (`paused_until`, also `refilled_at`), so the first call after the reset
 * goes at once and the rest follow at the normal pace.
 */
const pauseSql = `
  insert into api_rate_limit as b (key, tokens, capacity, refill_per_ms, refilled_at, paused_until)
  values (:key, 1, ${capacity}, ${refillPerMs}, ${pauseEnd}, ${pauseEnd})
  on conflict (key) do update set
    tokens = least(${refilled}, 1),
    paused_until = greatest(b.paused_until, ${pauseEnd}),
    refilled_at = greatest(b.refilled_at, ${pauseEnd})`;

export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly orm: Orm) {}

  async take(key: string, rate: BucketRate, tokens: number, maxWaitMs: number): Promise<TakeResult> {
    // A cost above the capacity could never be granted: it takes the whole bucket instead.
    const bindings = { key, cost: Math.min(tokens, rate.capacity), maxWaitMs, capacity: rate.capacity, refillPerMs: rate.refillPerMs };
    const [row] = await this.run<{ last_wait_ms: number; last_granted: boolean }>(takeSql, bindings);
    return { granted: row!.last_granted, waitMs: Number(row!.last_wait_ms) };
  }

  async pause(key: string, rate: BucketRate, waitMs: number): Promise<void> {
    await this.run(pauseSql, { key, waitMs: Math.max(0, waitMs), capacity: rate.capacity, refillPerMs: rate.refillPerMs });
  }

  private async run<T>(sql: string, bindings: Record<string, unknown>): Promise<T[]> {
    const result = await this.orm.em.getConnection().getKnex().raw<{ rows: T[] }>(sql, bindings);
    return result.rows;
  }
}

/**
 * Deletes buckets nobody took from for `idleForMs` and that no pause holds. Such a bucket has long
 * refilled to full (the slowest refills in a few minutes), and a missing bucket starts full, so
 * forgetting it changes no caller's turn: it only keeps the table as small as the active accounts.
 */
export async function forgetIdleRateLimits(orm: MaintenanceOrm, idleForMs: number): Promise<number> {
  const idleSince = `(${now} - make_interval(secs => cast(:idleForMs as float8) / 1000))`;
  const result = await orm.em
    .fork()
    .getConnection()
    .getKnex()
    .raw<{ rows: { key: string }[] }>(
      `delete from api_rate_limit where refilled_at < ${idleSince} and (paused_until is null or paused_until < ${now}) returning key`,
      { idleForMs },
    );
  return result.rows.length;
}
