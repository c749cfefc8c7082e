import { Migration } from '@mikro-orm/migrations';

/** The rep's locale and name from Slack's users.info, and when they (and the zone) were last read. */
export class Migration20261206000000_rep_slack_profile extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table app_user add column locale varchar(16) null, add column full_name varchar(255) null, add column profile_refreshed_at timestamptz null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table app_user drop column if exists locale, drop column if exists full_name, drop column if exists profile_refreshed_at;');
  }
}
