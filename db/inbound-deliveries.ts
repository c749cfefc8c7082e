import type { Orm } from './orm';

/**
 * Claims a delivery id (Slack event_id, Fathom webhook-id) atomically. Returns false when it
 * was seen before, so a redelivered event is acknowledged without doing the work twice.
 */
export async function firstDelivery(orm: Orm, source: string, deliveryId: string): Promise<boolean> {
  // A raw statement needs no entity manager of its own (no fork: this runs on every Slack request).
  const rows = await orm.em
    .getConnection()
    .execute<{ delivery_id: string }[]>(
      'insert into inbound_delivery (source, delivery_id) values (?, ?) on conflict do nothing returning delivery_id',
      [source, deliveryId.slice(0, 255)],
    );
  return rows.length === 1;
}

/** Gives a claimed delivery id back when its work could not be started, so the sender's retry does it. */
export async function releaseDelivery(orm: Orm, source: string, deliveryId: string): Promise<void> {
  await orm.em.getConnection().execute('delete from inbound_delivery where source = ? and delivery_id = ?', [source, deliveryId.slice(0, 255)]);
}
