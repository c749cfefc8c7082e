import type { Orm } from './orm';

/**
 * Claims a delivery id (Slack event_id, Fathom webhook-id) atomically. Returns false when it
 * was seen before, so a redelivered event is acknowledged without doing the work twice.
 */
export async function firstDelivery(orm: Orm, source: string, deliveryId: string): Promise<boolean> {
  // Straight to the pool's query builder (same pool, timeouts and driver errors): this runs on every
  // Slack request, and the ORM's own statement path (inlining the values into the SQL, logging,
  // converting errors) showed in the API's CPU profile under load as a cost the statement does not need.
  const result = await orm.em
    .getConnection()
    .getKnex()
    .raw<{ rows: { delivery_id: string }[] }>('insert into inbound_delivery (source, delivery_id) values (?, ?) on conflict do nothing returning delivery_id', [
      source,
      deliveryId.slice(0, 255),
    ]);
  return result.rows.length === 1;
}

/** Gives a claimed delivery id back when its work could not be started, so the sender's retry does it. */
export async function releaseDelivery(orm: Orm, source: string, deliveryId: string): Promise<void> {
  await orm.em.getConnection().execute('delete from inbound_delivery where source = ? and delivery_id = ?', [source, deliveryId.slice(0, 255)]);
}
