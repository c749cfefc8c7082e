import { Migration } from '@mikro-orm/migrations';
import { runtimeRole } from './Migration20261129090000_row_level_security';

/**
 * One token bucket per rate-limited key (db/api-rate-limits.ts), shared by every worker and API
 * process. Not tenant data: the key is a service, a scope and a hash of the account (never a
 * token or a tenant id), and the row holds only counters. So it has no tenant_id and no
 * row-level security; the runtime login may read, add and update buckets, never delete them.
 */
export class Migration20261206021000_api_rate_limit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table api_rate_limit (
        key varchar(200) primary key,
        tokens double precision not null,
        capacity double precision not null,
        refill_per_ms double precision not null,
        refilled_at timestamptz not null,
        paused_until timestamptz null,
        deferred double precision not null default 0,
        last_wait_ms double precision not null default 0,
        last_granted boolean not null default true
      );`);
    // Default privileges (migration 20261129090000) also grant delete; counters are never deleted by the app.
    this.addSql(`revoke all on api_rate_limit from ${runtimeRole};`);
    this.addSql(`grant select, insert, update on api_rate_limit to ${runtimeRole};`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists api_rate_limit;');
  }
}
