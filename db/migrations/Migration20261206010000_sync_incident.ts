import { Migration } from '@mikro-orm/migrations';

/** Only the transaction's own tenant, as every tenant-owned table since Migration20261130090000. */
const ownTenantOnly = `(tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`;

/**
 * Open incidents of failed CRM syncs (entities/sync-incident.ts): one row per provider and reason
 * within a window, holding the admins' DMs so later failures update them.
 */
export class Migration20261206010000_sync_incident extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sync_incident (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        provider varchar(32) not null,
        reason varchar(32) not null,
        message text not null,
        workflow_ids jsonb not null default '[]',
        notices jsonb not null default '[]',
        opened_at timestamptz not null,
        closed_at timestamptz null,
        updated_at timestamptz not null
      );`);
    this.addSql(`create index sync_incident_open_index on sync_incident (tenant_id, provider, reason, opened_at);`);
    this.addSql(`alter table sync_incident enable row level security;`);
    this.addSql(`alter table sync_incident force row level security;`);
    this.addSql(`create policy tenant_isolation on sync_incident using ${ownTenantOnly} with check ${ownTenantOnly};`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists sync_incident;');
  }
}
