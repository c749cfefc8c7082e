import { Migration } from '@mikro-orm/migrations';
import { runtimeRole } from './Migration20261129090000_row_level_security';

const maintenanceRole = 'app_maintenance';

/**
 * The turn of each call our shared limiter sent away (db/api-rate-limits.ts), so it is granted
 * when it comes back instead of competing with newcomers again. Like api_rate_limit, not tenant
 * data: the key is hashed and the holder is a hash of the workflow's call, so no tenant_id and no
 * row-level security. The runtime login claims (deletes) a reservation when its holder comes back;
 * the daily purge (maintenance login) deletes those never claimed.
 */
export class Migration20261206090000_api_rate_limit_reservation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table api_rate_limit_reservation (
        key varchar(200) not null,
        holder varchar(64) not null,
        due_at timestamptz not null,
        cost double precision not null,
        primary key (key, holder)
      );`);
    this.addSql(`revoke all on api_rate_limit_reservation from ${runtimeRole};`);
    this.addSql(`grant select, insert, update, delete on api_rate_limit_reservation to ${runtimeRole};`);
    this.addSql(`grant select, delete on api_rate_limit_reservation to ${maintenanceRole};`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists api_rate_limit_reservation;');
  }
}
