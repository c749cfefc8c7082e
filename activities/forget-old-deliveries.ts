import type { ActivityDependencies } from './dependencies';

/** Delivery ids only need to outlive their sender's retry window (Slack 5 min, Svix about a day). */
const keepDeliveriesForDays = 3;

/**
 * Empties the de-duplication table of ids that can no longer be redelivered (Slack signatures,
 * event ids, Fathom webhook ids, OAuth state nonces), so it stays small.
 */
export function forgetOldDeliveriesActivity(deps: ActivityDependencies) {
  return async function forgetOldDeliveries(): Promise<{ forgotten: number }> {
    const cutoff = new Date(deps.now().getTime() - keepDeliveriesForDays * 86_400_000);
    const rows = await deps.orm.em
      .fork()
      .getConnection()
      .execute<{ source: string }[]>('delete from inbound_delivery where received_at < ? returning source', [cutoff.toISOString()]);
    return { forgotten: rows.length };
  };
}
