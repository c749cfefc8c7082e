import { knex, type Knex } from '@mikro-orm/postgresql';

/**
 * The app's three logins. The owner owns the schema and runs migrations; the runtime role (API and
 * worker) owns nothing and is held to one tenant by row-level security; the maintenance role does
 * the cross-tenant jobs through the few policies and grants made for it (the transcript purge).
 * None is a superuser or a member of another, so no session can switch to a wider one.
 */
export const databaseRoleNames = { owner: 'app_owner', runtime: 'app_runtime', maintenance: 'app_maintenance' } as const;

export type DatabaseRoleKind = keyof typeof databaseRoleNames;

export type DatabaseRolePasswords = Record<DatabaseRoleKind, string>;

/** One connection URL per role: DATABASE_URL, DATABASE_MIGRATION_URL, DATABASE_MAINTENANCE_URL. */
export interface DatabaseUrls {
  runtime: string;
  migration: string;
  maintenance: string;
}

export interface DatabaseRoleProvisioning {
  /** A superuser login of the cluster; its database is only used to connect. */
  adminUrl: string;
  /** The app's database: created when missing, owned by the owner role. */
  database: string;
  passwords: DatabaseRolePasswords;
  /** Temporal's own login, for a deployment whose Temporal server keeps its state on this cluster. */
  temporal?: { user: string; password: string };
}

const roleAttributes: Record<DatabaseRoleKind, string> = {
  owner: 'login nosuperuser nocreatedb nocreaterole nobypassrls noreplication',
  runtime: 'login nosuperuser nocreatedb nocreaterole nobypassrls noreplication noinherit',
  maintenance: 'login nosuperuser nocreatedb nocreaterole nobypassrls noreplication noinherit',
};
// temporal-sql-tool creates Temporal's two databases itself.
const temporalAttributes = 'login nosuperuser createdb nocreaterole nobypassrls noreplication';

function connect(url: string): Knex {
  return knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
}

/** Runs a statement built by the server's own quoting (`format` with %I and %L). */
async function runFormatted(db: Knex, template: string, ...values: string[]): Promise<void> {
  const placeholders = values.map(() => ', ?::text').join('');
  const built = await db.raw<{ rows: { statement: string }[] }>(`select format(?::text${placeholders}) as statement`, [template, ...values]);
  await db.raw(built.rows[0]!.statement);
}

/** Creates the login, or brings an existing one to these attributes and this password. */
async function ensureLogin(db: Knex, name: string, attributes: string, password: string): Promise<void> {
  const existing = await db.raw<{ rowCount: number }>('select 1 from pg_roles where rolname = ?', [name]);
  await runFormatted(db, `${existing.rowCount > 0 ? 'alter' : 'create'} role %I ${attributes} password %L`, name, password);
}

/** A login that is a member of another role could `SET ROLE` to it: every such membership goes. */
async function revokeMemberships(db: Knex, member: string): Promise<void> {
  const memberships = await db.raw<{ rows: { role: string; grantor: string }[] }>(
    `select r.rolname as role, g.rolname as grantor from pg_auth_members m
       join pg_roles r on r.oid = m.roleid join pg_roles g on g.oid = m.grantor
      where m.member = (select oid from pg_roles where rolname = ?)`,
    [member],
  );
  for (const { role, grantor } of memberships.rows) await runFormatted(db, 'revoke %I from %I granted by %I', role, member, grantor);
}

async function ensureDatabase(db: Knex, database: string, owner: string): Promise<void> {
  const existing = await db.raw<{ rowCount: number }>('select 1 from pg_database where datname = ?', [database]);
  await runFormatted(db, existing.rowCount > 0 ? 'alter database %I owner to %I' : 'create database %I owner %I', database, owner);
  await runFormatted(db, 'revoke all on database %I from public', database);
  for (const role of Object.values(databaseRoleNames)) await runFormatted(db, 'grant connect on database %I to %I', database, role);
}

/**
 * Gives the owner role what an earlier setup created under another login (tables, views, free
 * sequences, functions in `public`), so upgraded databases end up like new ones.
 */
async function adoptSchemaObjects(db: Knex, owner: string): Promise<void> {
  await runFormatted(db, 'alter schema public owner to %I', owner);
  await db.raw('revoke create on schema public from public');
  const relations = await db.raw<{ rows: { name: string }[] }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and pg_get_userbyid(c.relowner) <> ?`,
    [owner],
  );
  for (const { name } of relations.rows) await runFormatted(db, 'alter table public.%I owner to %I', name, owner);
  // Sequences of serial columns went along with their tables; only free ones are left.
  const sequences = await db.raw<{ rows: { name: string }[] }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'S' and pg_get_userbyid(c.relowner) <> ?
        and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))`,
    [owner],
  );
  for (const { name } of sequences.rows) await runFormatted(db, 'alter sequence public.%I owner to %I', name, owner);
  const functions = await db.raw<{ rows: { signature: string }[] }>(
    `select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> ?`,
    [owner],
  );
  // regprocedure text is already quoted as needed, hence %s.
  for (const { signature } of functions.rows) await runFormatted(db, 'alter function %s owner to %I', signature, owner);
}

function withDatabase(serverUrl: string, database: string): URL {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url;
}

function urlFor(adminUrl: string, database: string, user: string, password: string): string {
  const url = withDatabase(adminUrl, database);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Creates (or, run again, re-applies) the app's logins with these passwords and its database
 * owned by the owner role. Idempotent. Tables and grants are the migrations' job, run afterwards
 * as the owner.
 */
export async function provisionDatabaseRoles(options: DatabaseRoleProvisioning): Promise<DatabaseUrls> {
  const { owner, runtime, maintenance } = databaseRoleNames;
  const cluster = connect(options.adminUrl);
  try {
    const [{ admin }] = (await cluster.raw<{ rows: { admin: string }[] }>('select current_user as admin')).rows as [{ admin: string }];
    const managed = [owner, runtime, maintenance, ...(options.temporal ? [options.temporal.user] : [])];
    if (managed.includes(admin)) throw new Error(`The admin login must not be one of the roles it manages (${admin}).`);
    for (const kind of Object.keys(databaseRoleNames) as DatabaseRoleKind[]) {
      await ensureLogin(cluster, databaseRoleNames[kind], roleAttributes[kind], options.passwords[kind]);
    }
    for (const role of [runtime, maintenance]) await revokeMemberships(cluster, role);
    if (options.temporal) await ensureLogin(cluster, options.temporal.user, temporalAttributes, options.temporal.password);
    await ensureDatabase(cluster, options.database, owner);
  } finally {
    await cluster.destroy();
  }
  const appDatabase = connect(withDatabase(options.adminUrl, options.database).toString());
  try {
    await adoptSchemaObjects(appDatabase, owner);
  } finally {
    await appDatabase.destroy();
  }
  return {
    runtime: urlFor(options.adminUrl, options.database, runtime, options.passwords.runtime),
    migration: urlFor(options.adminUrl, options.database, owner, options.passwords.owner),
    maintenance: urlFor(options.adminUrl, options.database, maintenance, options.passwords.maintenance),
  };
}

/**
 * Creates (or re-applies) only Temporal's login, for a cluster that holds Temporal's state and not
 * the app's (the benchmarks' production-shape Temporal server on its own embedded Postgres).
 */
export async function provisionTemporalLogin(adminUrl: string, login: { user: string; password: string }): Promise<void> {
  const cluster = connect(adminUrl);
  try {
    await ensureLogin(cluster, login.user, temporalAttributes, login.password);
  } finally {
    await cluster.destroy();
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

// The one-shot job of docker-compose.yml (and any deployment that wants the same logins).
if (require.main === module) {
  const temporalUser = process.env.TEMPORAL_DB_USER;
  Promise.resolve()
    .then(() =>
      provisionDatabaseRoles({
        adminUrl: requiredEnv('DATABASE_ADMIN_URL'),
        database: process.env.APP_DATABASE ?? 'followup',
        passwords: {
          owner: requiredEnv('DATABASE_OWNER_PASSWORD'),
          runtime: requiredEnv('DATABASE_RUNTIME_PASSWORD'),
          maintenance: requiredEnv('DATABASE_MAINTENANCE_PASSWORD'),
        },
        temporal: temporalUser ? { user: temporalUser, password: requiredEnv('TEMPORAL_DB_PASSWORD') } : undefined,
      }),
    )
    .then(
      () => console.log('Database roles are in place.'),
      (error: unknown) => {
        console.error('Provisioning database roles failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
}
