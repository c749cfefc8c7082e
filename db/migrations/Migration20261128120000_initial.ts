import { Migration } from '@mikro-orm/migrations';

/** Tenants, users, CRM connections, meetings, account mappings and the append-only audit log. */
export class Migration20261128120000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenant (
        id uuid primary key,
        slack_team_id varchar(32) not null unique,
        slack_enterprise_id varchar(32) null,
        name varchar(255) not null,
        plan varchar(32) not null,
        status varchar(16) not null,
        settings jsonb not null,
        bot_token_secret_ref varchar(512) null,
        installed_at timestamptz not null,
        deleted_at timestamptz null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(`
      create table app_user (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        slack_user_id varchar(32) not null,
        role varchar(16) not null,
        email varchar(320) null,
        time_zone varchar(64) not null,
        preferences jsonb not null,
        fathom_secret_ref varchar(512) null,
        google_secret_ref varchar(512) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, slack_user_id)
      );`);
    this.addSql(`create index app_user_tenant_id_index on app_user (tenant_id);`);
    this.addSql(`
      create table crm_connection (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        provider varchar(32) not null,
        secret_ref varchar(512) not null,
        health varchar(32) not null,
        last_error text null,
        is_default boolean not null,
        settings jsonb not null,
        connected_by_slack_user_id varchar(32) null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(`create index crm_connection_tenant_id_index on crm_connection (tenant_id);`);
    this.addSql(`create unique index crm_connection_one_default on crm_connection (tenant_id) where is_default;`);
    this.addSql(`
      create table meeting_record (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        recording_id varchar(64) not null,
        workflow_id varchar(255) not null,
        rep_slack_user_id varchar(32) not null,
        title varchar(512) not null,
        meeting_url varchar(1024) null,
        started_at timestamptz not null,
        ended_at timestamptz null,
        language varchar(16) null,
        attendees jsonb not null,
        transcript text null,
        transcript_sha256 varchar(64) null,
        transcript_deleted_at timestamptz null,
        draft jsonb null,
        card_channel varchar(32) null,
        card_ts varchar(32) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, recording_id)
      );`);
    this.addSql(`create index meeting_record_tenant_id_index on meeting_record (tenant_id);`);
    this.addSql(`create index meeting_record_rep_index on meeting_record (tenant_id, rep_slack_user_id, started_at desc);`);
    this.addSql(`
      create table account_mapping (
        id uuid primary key,
        tenant_id uuid not null references tenant (id) on delete cascade,
        provider varchar(32) not null,
        domain varchar(255) not null,
        account_id varchar(255) not null,
        account_name varchar(255) not null,
        source varchar(16) not null,
        confidence double precision not null,
        hits integer not null,
        last_used_at timestamptz null,
        created_by_slack_user_id varchar(32) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, provider, domain)
      );`);
    this.addSql(`create index account_mapping_tenant_id_index on account_mapping (tenant_id);`);
    // No foreign key to tenant: the audit record of a tenant's deletion must outlive the tenant.
    this.addSql(`
      create table audit_log (
        id bigserial primary key,
        tenant_id uuid not null,
        actor varchar(64) not null,
        action varchar(64) not null,
        target varchar(512) null,
        result varchar(16) not null,
        workflow_id varchar(255) null,
        detail jsonb not null,
        created_at timestamptz not null
      );`);
    this.addSql(`create index audit_log_tenant_id_index on audit_log (tenant_id, created_at);`);
    this.addSql(`
      create function audit_log_is_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % is not allowed', tg_op;
      end;
      $$;`);
    this.addSql(`
      create trigger audit_log_append_only
        before update or delete on audit_log
        for each row execute function audit_log_is_append_only();`);
    this.addSql(`
      create trigger audit_log_no_truncate
        before truncate on audit_log
        for each statement execute function audit_log_is_append_only();`);
    // Deliveries already handled (Fathom webhook-id, Slack event_id): a redelivery is acknowledged, not repeated.
    this.addSql(`
      create table inbound_delivery (
        source varchar(32) not null,
        delivery_id varchar(255) not null,
        received_at timestamptz not null default now(),
        primary key (source, delivery_id)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists inbound_delivery;');
    this.addSql('drop trigger if exists audit_log_no_truncate on audit_log;');
    this.addSql('drop trigger if exists audit_log_append_only on audit_log;');
    this.addSql('drop table if exists audit_log;');
    this.addSql('drop function if exists audit_log_is_append_only();');
    this.addSql('drop table if exists account_mapping;');
    this.addSql('drop table if exists meeting_record;');
    this.addSql('drop table if exists crm_connection;');
    this.addSql('drop table if exists app_user;');
    this.addSql('drop table if exists tenant;');
  }
}
