import { Migration } from '@mikro-orm/migrations';

const maintenanceRole = 'app_maintenance';

/**
 * The daily purge (activities/forget-idle-rate-limits.ts) deletes buckets nobody took from for a
 * day, with the maintenance login: the runtime login still may not delete counters. The table has
 * no tenant rows, so no policy is needed, only the grant.
 */
export class Migration20261206050000_api_rate_limit_housekeeping extends Migration {
  override async up(): Promise<void> {
    this.addSql(`grant select, delete on api_rate_limit to ${maintenanceRole};`);
  }

  override async down(): Promise<void> {
    this.addSql(`revoke select, delete on api_rate_limit from ${maintenanceRole};`);
  }
}
