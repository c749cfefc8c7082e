import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationCondition } from './Migration20261129090000_row_level_security';

/**
 * One row per meeting counted against a tenant's monthly plan quota (api/meetings/meeting-quota.ts),
 * written before its workflow starts. Keyed by recording, so a repeated trigger for the same
 * meeting is not counted twice.
 */
export class Migration20261129091000_meeting_usage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table meeting_usage (
        tenant_id uuid not null references tenant (id) on delete cascade,
        recording_id varchar(64) not null,
        month date not null,
        counted_at timestamptz not null default now(),
        primary key (tenant_id, recording_id)
      );`);
    this.addSql(`create index meeting_usage_month_index on meeting_usage (tenant_id, month);`);
    const condition = tenantIsolationCondition('tenant_id');
    this.addSql(`alter table meeting_usage enable row level security;`);
    this.addSql(`alter table meeting_usage force row level security;`);
    this.addSql(`create policy tenant_isolation on meeting_usage using ${condition} with check ${condition};`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists meeting_usage;');
  }
}
