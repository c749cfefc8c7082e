import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { entitySchemas } from '../entities';
import { knownMigrationNames } from './migrations/migration-names';

export type Orm = MikroORM;

/** Where the migrator records the migrations it ran (db/migrate.ts). */
export const migrationTable = 'schema_migration';

/**
 * An ORM logged in as the maintenance role (DATABASE_MAINTENANCE_URL), the only one that may pass
 * tenant boundaries (`acrossTenants`); typed apart so the app's own ORM cannot be handed there.
 */
declare const maintenanceLogin: unique symbol;
export type MaintenanceOrm = Orm & { readonly [maintenanceLogin]: true };

/**
 * How long a process waits on the database before giving up. Unset, the drivers' defaults apply:
 * knex waits 60 s for a pooled connection and pg waits for the OS to give up connecting, which
 * is fine for the worker (Temporal times the attempt out and retries it) but not for the API,
 * which must answer Slack within 3 s.
 */
export interface DatabaseTimeouts {
  /**
   * TCP connect plus Postgres' startup handshake, per new connection. An opening outlives the
   * request that asked for it (it joins the pool for the next), so keep it above `acquireMs`.
   */
  connectMs: number;
  /** Waiting for a pooled connection, creating one included. */
  acquireMs: number;
  /** Longest statement, enforced by Postgres itself (`statement_timeout`). */
  statementMs: number;
}

export function ormOptions(databaseUrl: string, timeouts?: DatabaseTimeouts): Options {
  return {
    clientUrl: databaseUrl,
    entities: entitySchemas,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    forceUtcTimezone: true,
    // Tenant filters need arguments; a forgotten fork must fail loudly, not share state.
    allowGlobalContext: false,
    debug: false,
    pool: {
      min: 0,
      max: Number(process.env.DATABASE_POOL_MAX ?? 10),
      ...(timeouts ? { acquireTimeoutMillis: timeouts.acquireMs } : {}),
    },
    ...(timeouts ? { driverOptions: { connection: { connectionTimeoutMillis: timeouts.connectMs, statement_timeout: timeouts.statementMs } } } : {}),
  };
}

/**
 * Opens the database as the login of `databaseUrl`: the runtime role for the app (DATABASE_URL,
 * row-level security applies), the owner for migrations.
 */
export async function openOrm(databaseUrl: string, timeouts?: DatabaseTimeouts): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, timeouts));
}

/**
 * The ORM of `databaseUrl` before it connects: its entity metadata only (MikroORM.initSync, no
 * round trip). The worker builds its activities with it, so Worker.create can start the workflow
 * thread while the database connects (`connectCheckedOrm`, `orm.connect()`).
 */
export function unconnectedOrm(databaseUrl: string, timeouts?: DatabaseTimeouts): Orm {
  return MikroORM.initSync(ormOptions(databaseUrl, timeouts));
}

/**
 * Connects an ORM of the app's own database (DATABASE_URL) and refuses it unless its schema is the
 * one this build knows and its login is the confined runtime role.
 */
export async function connectCheckedOrm(orm: Orm): Promise<void> {
  await orm.connect();
  await assertSchemaIsCurrent(orm);
  await assertRuntimeLoginIsConfined(orm);
}

/** The app's own database, connected and checked (`connectCheckedOrm`): what the API opens at start. */
export async function openCheckedOrm(databaseUrl: string, timeouts?: DatabaseTimeouts): Promise<Orm> {
  const orm = unconnectedOrm(databaseUrl, timeouts);
  try {
    await connectCheckedOrm(orm);
    return orm;
  } catch (error) {
    await orm.close();
    throw error;
  }
}

/** The database as the maintenance role, for the cross-tenant jobs only, not yet connected (`unconnectedOrm`). */
export function unconnectedMaintenanceOrm(maintenanceDatabaseUrl: string): MaintenanceOrm {
  return unconnectedOrm(maintenanceDatabaseUrl) as MaintenanceOrm;
}

/** Opens the database as the maintenance role, for the cross-tenant jobs only. */
export async function openMaintenanceOrm(maintenanceDatabaseUrl: string): Promise<MaintenanceOrm> {
  return (await openOrm(maintenanceDatabaseUrl)) as MaintenanceOrm;
}

/**
 * Refuses to run the app on a login that row-level security would not hold: a superuser, a role
 * with BYPASSRLS, or one that owns tables (DATABASE_URL pointing at the owner or an admin).
 */
export async function assertRuntimeLoginIsConfined(orm: Orm): Promise<void> {
  const [login] = await orm.em.getConnection().execute<{ name: string; superuser: boolean; bypass: boolean; owns: boolean }[]>(
    `select r.rolname as name, r.rolsuper as superuser, r.rolbypassrls as bypass,
            exists (select 1 from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owns
       from pg_roles r where r.rolname = current_user`,
  );
  if (!login || login.superuser || login.bypass || login.owns) {
    throw new Error(
      `DATABASE_URL logs in as ${login?.name ?? 'an unknown role'}, which row-level security does not hold. Use the runtime role (README, "Database roles").`,
    );
  }
}

/**
 * Refuses to run against a schema this build does not know: missing migrations (run
 * `npm run migrate`) or migrations from a newer build (deploy that build instead).
 */
export async function assertSchemaIsCurrent(orm: Orm): Promise<void> {
  const executed = await executedMigrationNames(orm);
  const known: readonly string[] = knownMigrationNames;
  const unknown = executed.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`Database schema is newer than this build (unknown migrations: ${unknown.join(', ')}). Refusing to start.`);
  }
  const pending = known.filter((name) => !executed.includes(name));
  if (pending.length > 0) {
    throw new Error(`Database schema is out of date (pending migrations: ${pending.join(', ')}). Run \`npm run migrate\`.`);
  }
}

/**
 * The migrator's own record of what ran (db/migrate.ts), read with one query rather than through
 * the migrator, whose package and migration classes cost every process start for a list of names.
 * No table yet means nothing ran.
 */
async function executedMigrationNames(orm: Orm): Promise<string[]> {
  const connection = orm.em.getConnection();
  const [table] = await connection.execute<{ present: boolean }[]>(`select to_regclass('${migrationTable}') is not null as present`);
  if (!table?.present) return [];
  const rows = await connection.execute<{ name: string }[]>(`select name from ${migrationTable} order by id`);
  return rows.map((row) => row.name);
}
