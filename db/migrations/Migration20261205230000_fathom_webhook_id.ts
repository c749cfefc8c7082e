import { Migration } from '@mikro-orm/migrations';

/** The id of the Fathom webhook registered for a rep, so uninstalling the app can delete it at Fathom. */
export class Migration20261205230000_fathom_webhook_id extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table app_user add column fathom_webhook_id varchar(64) null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table app_user drop column if exists fathom_webhook_id;');
  }
}
