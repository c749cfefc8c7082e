import type { WebClient } from '@slack/web-api';
import { BoundedTtlCache } from '../db/bounded-ttl-cache';
import type { TenantChangeSubscriber } from '../db/tenant-change-feed';
import type { SecretStore } from '../secrets/secret-store';

export interface TenantSlackClientsOptions {
  /** The longest a bot token read from the secret store is used without reading it again (issue 16: no secret beyond its TTL). */
  ttlMs: number;
  maxTenants: number;
  now?: () => number;
}

/** Builds a tenant's client; `onTokenRefused` runs when Slack says the token no longer works. */
export type SlackClientFactory = (token: string, onTokenRefused: () => void) => WebClient;

/**
 * Each tenant's Slack client, built once from its bot token and kept for at most `ttlMs`, so the
 * worker's card edits (several per meeting) neither read and decrypt the token nor build a new
 * WebClient every time (bench/README.md, benchmark 3).
 *
 * The token changes on install, reinstall and uninstall, all of which change the tenant row, which
 * Postgres announces (db/tenant-change-feed.ts): the tenant's client is dropped on the notice, and
 * nothing is kept while the feed is down (notices may be missed then) or when a notice arrived
 * during the read. Slack refusing the token (invalid_auth, token_revoked, …) drops it too, so the
 * next attempt reads the store again. Whatever the feed says, the TTL bounds how long a token read
 * once is trusted.
 */
export class TenantSlackClients implements TenantChangeSubscriber {
  private live = false;
  private generation = 0;
  private readonly clients: BoundedTtlCache<string, { secretRef: string; client: WebClient }>;

  constructor(
    private readonly secrets: Pick<SecretStore, 'get'>,
    private readonly build: SlackClientFactory,
    options: TenantSlackClientsOptions,
  ) {
    this.clients = new BoundedTtlCache({ maxEntries: options.maxTenants, ttlMs: options.ttlMs }, options.now);
  }

  /** The tenant's client while one built from the token under `secretRef` is fresh; no store read. */
  cached(tenantId: string, secretRef?: string): WebClient | undefined {
    const entry = this.clients.get(tenantId);
    return entry && (secretRef === undefined || entry.secretRef === secretRef) ? entry.client : undefined;
  }

  /** The tenant's client, from the token stored under `secretRef`; null when there is no token. */
  async clientFor(tenantId: string, secretRef: string): Promise<WebClient | null> {
    const cached = this.cached(tenantId, secretRef);
    if (cached) return cached;
    const generation = this.generation;
    const token = await this.secrets.get(secretRef);
    if (!token) return null;
    const client = this.build(token, () => this.changed(tenantId));
    if (this.live && this.generation === generation) this.clients.set(tenantId, { secretRef, client });
    return client;
  }

  changed(tenantId: string): void {
    this.generation += 1;
    this.clients.deleteWhere((key) => key === tenantId);
  }

  liveChanged(live: boolean): void {
    this.live = live;
    this.generation += 1;
    this.clients.clear();
  }
}
