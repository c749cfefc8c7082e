import type { Actor } from '../domain/meeting';
import type { Tenant } from '../entities';
import { BoundedTtlCache } from './bounded-ttl-cache';
import type { Orm } from './orm';
import { TenantChangeFeed, type TenantChangeSubscriber } from './tenant-change-feed';
import { activeTenantOfSlackId, actorOfSlackUser } from './tenant-directory';

export interface TenantDirectoryCacheOptions {
  /** Backstop only: a change is normally forgotten as soon as Postgres announces it. */
  ttlMs: number;
  maxTenants: number;
  maxActors: number;
  now?: () => number;
}

export const defaultTenantDirectoryCacheOptions: TenantDirectoryCacheOptions = { ttlMs: 30_000, maxTenants: 10_000, maxActors: 50_000 };

/**
 * Who a verified Slack request is from, without asking Postgres on every click: the active tenant
 * of a Slack team or Enterprise Grid id, and the clicking user as an actor (admin or not).
 *
 * Several API processes may run, and the change that matters most (an uninstall) is made by the
 * worker, so invalidation within the changing process would not do. Postgres announces every
 * committed change to a tenant row or to its users' roles (tenant-change-feed.ts); this cache
 * forgets that tenant on the notice, and caches nothing while the feed is down (it may be missing
 * notices then). A read that raced with a notice is not stored (the generation moved on), so a
 * revoked tenant stops working within the notice's delivery time, milliseconds. Workspaces that
 * are not installed are never cached: a fresh install works at once in every process.
 *
 * Cached tenants are shared by concurrent requests: handlers read them and load their own copy
 * to change anything (api/interactions/settings-editor.ts, api/connections/connections-store.ts).
 * Concurrent misses of one key share one read (a burst of clicks when an entry expires would
 * otherwise send one read each), but only within a generation: a request that arrives after a
 * change never joins a read begun before it.
 */
export class TenantDirectoryCache implements TenantChangeSubscriber {
  private live = false;
  private generation = 0;
  private readonly tenants: BoundedTtlCache<string, Tenant>;
  private readonly actors: BoundedTtlCache<string, Actor>;
  private readonly readsInFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly orm: Orm,
    options: TenantDirectoryCacheOptions = defaultTenantDirectoryCacheOptions,
  ) {
    this.tenants = new BoundedTtlCache({ maxEntries: options.maxTenants, ttlMs: options.ttlMs }, options.now);
    this.actors = new BoundedTtlCache({ maxEntries: options.maxActors, ttlMs: options.ttlMs }, options.now);
  }

  /**
   * The workspace's active tenant. Enterprise Grid org-wide installs are keyed on the enterprise
   * id; everything else on the team id, which wins when both are installed.
   */
  async tenantFor(workspace: { teamId?: string; enterpriseId?: string }): Promise<Tenant | null> {
    for (const slackId of [workspace.teamId, workspace.enterpriseId]) {
      if (!slackId) continue;
      const cached = this.tenants.get(slackId);
      if (cached) return cached;
      const generation = this.generation;
      const tenant = await this.sharedRead(`tenant:${slackId}`, () => activeTenantOfSlackId(this.orm, slackId));
      if (!tenant) continue;
      if (this.mayStore(generation)) this.tenants.set(slackId, tenant);
      return tenant;
    }
    return null;
  }

  /**
   * The clicking user as the workflow sees them, for card clicks (the workflow decides what the
   * actor may do). Screens only admins may use read the role afresh (api/interactions/actors.ts).
   */
  async actorFor(tenant: Tenant, slackUserId: string): Promise<Actor> {
    const key = `${tenant.id}:${slackUserId}`;
    const cached = this.actors.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const actor = await this.sharedRead(`actor:${key}`, () => actorOfSlackUser(this.orm, tenant, slackUserId));
    if (this.mayStore(generation)) this.actors.set(key, actor);
    return actor;
  }

  /** Forgets the tenant now, in this process: called by the change itself, before Postgres' notice arrives. */
  forget(tenantId: string): void {
    this.changed(tenantId);
  }

  changed(tenantId: string): void {
    this.generation += 1;
    this.tenants.deleteWhere((_, tenant) => tenant.id === tenantId);
    this.actors.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  }

  liveChanged(live: boolean): void {
    this.live = live;
    this.generation += 1;
    this.tenants.clear();
    this.actors.clear();
  }

  private sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
    const flightKey = `${this.generation}|${key}`;
    const inFlight = this.readsInFlight.get(flightKey) as Promise<T> | undefined;
    if (inFlight) return inFlight;
    const flight = read().finally(() => this.readsInFlight.delete(flightKey));
    this.readsInFlight.set(flightKey, flight);
    return flight;
  }

  private mayStore(generationAtRead: number): boolean {
    return this.live && this.generation === generationAtRead;
  }
}

/** The cache with Postgres' change feed behind it; `close` stops listening. */
export async function listeningTenantDirectory(
  orm: Orm,
  onFeedError: (error: unknown) => void,
  options?: TenantDirectoryCacheOptions,
): Promise<{ tenants: TenantDirectoryCache; close(): Promise<void> }> {
  const tenants = new TenantDirectoryCache(orm, options);
  const feed = new TenantChangeFeed(orm, tenants, onFeedError);
  await feed.start();
  return { tenants, close: () => feed.close() };
}
