import { Migration } from '@mikro-orm/migrations';

/**
 * The local secret store's table (secrets/local-secret-store.ts): AES-256-GCM ciphertext per
 * secret name, with the id of the key that encrypted it so keys can be rotated.
 */
export class Migration20261128120500_secret_value extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table secret_value (
        name text primary key,
        key_id text not null,
        iv bytea not null,
        auth_tag bytea not null,
        ciphertext bytea not null,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint secret_value_iv_length check (octet_length(iv) = 12),
        constraint secret_value_auth_tag_length check (octet_length(auth_tag) = 16),
        constraint secret_value_version_positive check (version > 0)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists secret_value;');
  }
}
