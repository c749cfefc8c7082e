import type { Orm } from './orm';

/** The channel migration 20261206020000 announces tenant and app-user changes on, with the tenant id. */
const channel = 'tenant_directory_changed';
const reconnectDelaysMs = [500, 1_000, 2_000, 5_000];

/** The part of a pg client the feed uses (knex hands out pg's own client). */
interface ListeningConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', listener: () => void): void;
}

interface RawConnectionSource {
  acquireRawConnection(): Promise<ListeningConnection>;
  destroyRawConnection(connection: ListeningConnection): Promise<void>;
}

export interface TenantChangeSubscriber {
  /** A tenant's row or its users changed: whatever is known about it may be stale. */
  changed(tenantId: string): void;
  /** The feed went down or came back: notices may have been missed, so nothing cached can be trusted. */
  liveChanged(live: boolean): void;
}

/**
 * Postgres LISTEN on one connection of its own (outside the pool, same login and timeouts), so an
 * API process hears of every committed tenant change, whichever process made it. While the
 * connection is down the subscriber is told, and the feed reconnects with backoff.
 */
export class TenantChangeFeed {
  private connection: ListeningConnection | undefined;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly subscriber: TenantChangeSubscriber,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Starts listening; resolves once the first attempt has succeeded or failed (it retries either way). */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await this.rawSource().destroyRawConnection(connection).catch(() => {});
  }

  private rawSource(): RawConnectionSource {
    return this.orm.em.getConnection().getKnex().client as unknown as RawConnectionSource;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let connection: ListeningConnection | undefined;
    try {
      connection = await this.rawSource().acquireRawConnection();
      connection.on('notification', (message) => {
        if (message.channel === channel && message.payload) this.subscriber.changed(message.payload);
      });
      let lost = false;
      const onLost = (): void => {
        if (lost || this.connection !== connection) return;
        lost = true;
        this.connection = undefined;
        this.subscriber.liveChanged(false);
        void this.rawSource().destroyRawConnection(connection!).catch(() => {});
        this.scheduleReconnect();
      };
      connection.on('error', onLost);
      connection.on('end', onLost);
      await connection.query(`listen ${channel}`);
      if (this.closed) {
        await this.rawSource().destroyRawConnection(connection);
        return;
      }
      this.connection = connection;
      this.attempt = 0;
      this.subscriber.liveChanged(true);
    } catch (error) {
      this.onError(error);
      if (connection) await this.rawSource().destroyRawConnection(connection).catch(() => {});
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = reconnectDelaysMs[Math.min(this.attempt, reconnectDelaysMs.length - 1)]!;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}
