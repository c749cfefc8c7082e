import { Migration } from '@mikro-orm/migrations';

/**
 * The bucket's `deferred` count has been neither read nor written since the debt (negative tokens)
 * became the queue (db/api-rate-limits.ts); a column nobody keeps only misleads whoever reads the
 * table.
 */
export class Migration20261206160000_api_rate_limit_without_deferred extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table api_rate_limit drop column if exists deferred;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table api_rate_limit add column if not exists deferred double precision not null default 0;');
  }
}
