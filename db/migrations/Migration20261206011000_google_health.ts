import { Migration } from '@mikro-orm/migrations';

/** The rep's Google connection health from the last real call, as crm_connection has for the CRM. */
export class Migration20261206011000_google_health extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column google_health varchar(32) not null default 'ok';`);
    this.addSql('alter table app_user add column google_last_error text null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table app_user drop column if exists google_last_error;');
    this.addSql('alter table app_user drop column if exists google_health;');
  }
}
