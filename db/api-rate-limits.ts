/**
 * The token buckets of clients/rate-limit-store.ts in PostgreSQL, one row per key, shared by
 * every worker and API process, and the reservations of callers sent away (one row per key and
 * holder). A take is one statement (a CTE around INSERT … ON CONFLICT DO UPDATE … RETURNING): the
 * bucket's row lock serialises concurrent takers of one key, with no advisory lock and no
 * read-then-write round trip. Time is the database's, so processes with drifting clocks still
 * refill one bucket at one pace. The row keeps what its last taker was told (`last_wait_ms`,
 * `last_granted`), because RETURNING sees only the row as updated. The arithmetic is
 * InProcessRateLimitStore's (clients/in-process-rate-limit-store.ts), in SQL: the debt (negative
 * tokens) is the queue.
 */
import type { BucketRate, RateLimitStore, TakeResult } from '../clients/rate-limit-store';
import type { MaintenanceOrm, Orm } from './orm';

const now = 'statement_timestamp()';
const cost = 'cast(:cost as float8)';
const maxWait = 'cast(:maxWaitMs as float8)';
const capacity = 'cast(:capacity as float8)';
const refillPerMs = 'cast(:refillPerMs as float8)';
const holder = 'cast(:holder as varchar)';
const msBetween = (later: string, earlier: string) => `(extract(epoch from (${later} - ${earlier})) * 1000)`;
const afterMs = (from: string, milliseconds: string) => `(${from} + make_interval(secs => (${milliseconds}) / 1000))`;

/** The bucket as it stands now: refilled since it was last counted (never while paused), capped at its capacity; negative while tokens are owed. */
const refilled = `least(${capacity}, b.tokens + greatest(0, ${msBetween(now, 'b.refilled_at')}) * ${refillPerMs})`;
/** The rest of a pause: refilled_at lies in the future until the server's reset. */
const pauseLeft = `greatest(0, ${msBetween('b.refilled_at', now)})`;
/** Until this caller's tokens are there, behind every token owed already (the queue). */
const wait = `(${pauseLeft} + greatest(0, (${cost} - ${refilled}) / ${refillPerMs}))`;
const granted = `(${wait} <= ${maxWait})`;

/**
 * One take. `held`: this holder's reservation, unless it came back too late for it
 * (reservationGraceMs). Claimed when due within the bound, without taking tokens; otherwise the
 * holder is told the rest. Without one, `taken` is the bucket take (a new bucket starts full, and
 * this take is its first spend, unless a negative bound books it ahead); a refused holder's tokens are taken too, and `reserved` keeps its turn.
 */
const takeSql = `
  with held as (
    select ${msBetween('r.due_at', now)} as wait_ms
    from api_rate_limit_reservation r
    where r.key = :key and r.holder = ${holder}
      and ${now} <= ${afterMs('r.due_at', `greatest(1, ${capacity} - r.cost + 1) / ${refillPerMs}`)}
  ),
  claimed as (
    delete from api_rate_limit_reservation r using held
    where r.key = :key and r.holder = ${holder} and greatest(0, held.wait_ms) <= ${maxWait}
  ),
  taken as (
    insert into api_rate_limit as b (key, tokens, capacity, refill_per_ms, refilled_at, paused_until, last_wait_ms, last_granted)
    select :key, case when 0 <= ${maxWait} or ${holder} is not null then ${capacity} - ${cost} else ${capacity} end, ${capacity}, ${refillPerMs}, ${now}, null, 0, 0 <= ${maxWait}
    where not exists (select 1 from held)
    on conflict (key) do update set
      tokens = case when ${granted} or ${holder} is not null then ${refilled} - ${cost} else ${refilled} end,
      capacity = ${capacity},
      refill_per_ms = ${refillPerMs},
      refilled_at = greatest(b.refilled_at, ${now}),
      last_wait_ms = ${wait},
      last_granted = ${granted}
    returning last_wait_ms, last_granted
  ),
  reserved as (
    insert into api_rate_limit_reservation (key, holder, due_at, cost)
    select :key, ${holder}, ${afterMs(now, 't.last_wait_ms')}, ${cost} from taken t
    where not t.last_granted and ${holder} is not null
    on conflict (key, holder) do update set due_at = excluded.due_at, cost = excluded.cost
  )
  select greatest(0, wait_ms) as last_wait_ms, greatest(0, wait_ms) <= ${maxWait} as last_granted from held
  union all
  select last_wait_ms, last_granted from taken`;

const pauseEnd = afterMs(now, 'cast(:waitMs as float8)');
/** Where the key's refill restarts as things stand: now, or the end of a pause already running. */
const restartsAt = `greatest(${now}, coalesce((select p.refilled_at from api_rate_limit p where p.key = :key), ${now}))`;
/**
 * A 429 or a spent window pauses the key: the bucket keeps at most one token and does not refill
 * until the server's reset (`paused_until`, also `refilled_at`), so the first call after the reset
 * goes at once and the rest follow at the normal pace. Reservations were counted on the refill the
 * pause stops, so they move back by as much as the pause grows, keeping their order and spacing.
 */
const pauseSql = `
  with shifted as (
    update api_rate_limit_reservation r
    set due_at = greatest(r.due_at, ${now}) + (${pauseEnd} - ${restartsAt})
    where r.key = :key and ${pauseEnd} > ${restartsAt}
  )
  insert into api_rate_limit as b (key, tokens, capacity, refill_per_ms, refilled_at, paused_until)
  values (:key, 1, ${capacity}, ${refillPerMs}, ${pauseEnd}, ${pauseEnd})
  on conflict (key) do update set
    tokens = least(${refilled}, 1),
    paused_until = greatest(b.paused_until, ${pauseEnd}),
    refilled_at = greatest(b.refilled_at, ${pauseEnd})`;

export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly orm: Orm) {}

  async take(key: string, rate: BucketRate, tokens: number, maxWaitMs: number, holder?: string): Promise<TakeResult> {
    // A cost above the capacity could never be granted: it takes the whole bucket instead.
    const bindings = { key, cost: Math.min(tokens, rate.capacity), maxWaitMs, capacity: rate.capacity, refillPerMs: rate.refillPerMs, holder: holder ?? null };
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
 * Deletes buckets nobody took from for `idleForMs` and that no pause holds, and reservations whose
 * holder did not come back within as long (a cancelled meeting's). Such a bucket has long refilled
 * to full (the slowest refills in a few minutes), and a missing bucket starts full, so forgetting
 * it changes no caller's turn: it only keeps the tables as small as the active accounts.
 */
export async function forgetIdleRateLimits(orm: MaintenanceOrm, idleForMs: number): Promise<number> {
  const idleSince = `(${now} - make_interval(secs => cast(:idleForMs as float8) / 1000))`;
  const result = await orm.em
    .fork()
    .getConnection()
    .getKnex()
    .raw<{ rows: { key: string }[] }>(
      `with abandoned as (delete from api_rate_limit_reservation where due_at < ${idleSince} returning key),
         idle as (delete from api_rate_limit where refilled_at < ${idleSince} and (paused_until is null or paused_until < ${now}) returning key)
       select key from abandoned union all select key from idle`,
      { idleForMs },
    );
  return result.rows.length;
}
