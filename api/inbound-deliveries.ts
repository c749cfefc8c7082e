import type { Orm } from '../db/orm';

/**
 * Claims a delivery id (Slack event_id, Fathom webhook-id) atomically. Returns false when it
 * was seen before, so a redelivered event is acknowledged without doing the work twice.
 */
export async function firstDelivery(orm: Orm, source: string, deliveryId: string): Promise<boolean> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ delivery_id: string }[]>(
      'insert into inbound_delivery (source, delivery_id) values (?, ?) on conflict do nothing returning delivery_id',
      [source, deliveryId.slice(0, 255)],
    );
  return rows.length === 1;
}
