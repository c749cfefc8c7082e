import { Migration } from '@mikro-orm/migrations';

/**
 * One audit row per activity attempt: an attempt's row may be written by a later attempt (it
 * travels in Temporal's heartbeat details while the database is down), and a replayed row must
 * then never be a second one. Null for rows that are not an attempt's (installs, settings, refusals).
 */
export class Migration20261206022000_audit_attempt_key extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table audit_log add column attempt_key varchar(128) null;');
    this.addSql('create unique index audit_log_attempt_key_unique on audit_log (attempt_key);');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists audit_log_attempt_key_unique;');
    this.addSql('alter table audit_log drop column if exists attempt_key;');
  }
}
