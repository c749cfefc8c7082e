import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entitySchemas } from '../entities';
import { knownMigrations } from './migrations';
import { runtimeRole } from './migrations/Migration20261129090000_row_level_security';

export type Orm = MikroORM;

/**
 * Who the sessions act as. 'runtime' (the app): every pooled connection switches to
 * `app_runtime`, which owns no table and cannot bypass row-level security. 'owner': the login of
 * DATABASE_URL itself, for migrations only.
 */
export type DatabaseRole = 'runtime' | 'owner';

interface PgConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

function switchToRuntimeRole(connection: PgConnection, done: (error: Error | null, connection: PgConnection) => void): void {
  connection.query(`set role ${runtimeRole}`, (error) => done(error, connection));
}

/**
 * How long a process waits on the database before giving up. Unset, the drivers' defaults apply:
 * knex waits 60 s for a pooled connection and pg waits for the OS to give up connecting, which
 * is fine for the worker (Temporal times the attempt out and retries it) but not for the API,
 * which must answer Slack within 3 s.
 */
export interface DatabaseTimeouts {
  /** TCP connect plus Postgres' startup handshake, per new connection. */
  connectMs: number;
  /** Waiting for a pooled connection, creating one included. */
  acquireMs: number;
  /** Longest statement, enforced by Postgres itself (`statement_timeout`). */
  statementMs: number;
}

export function ormOptions(databaseUrl: string, role: DatabaseRole = 'runtime', timeouts?: DatabaseTimeouts): Options {
  return {
    clientUrl: databaseUrl,
    entities: entitySchemas,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: {
      migrationsList: knownMigrations,
      tableName: 'schema_migration',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    forceUtcTimezone: true,
    // Tenant filters need arguments; a forgotten fork must fail loudly, not share state.
    allowGlobalContext: false,
    debug: false,
    pool: {
      min: 0,
      max: Number(process.env.DATABASE_POOL_MAX ?? 10),
      ...(role === 'runtime' ? { afterCreate: switchToRuntimeRole } : {}),
      ...(timeouts ? { acquireTimeoutMillis: timeouts.acquireMs } : {}),
    },
    ...(timeouts ? { driverOptions: { connection: { connectionTimeoutMillis: timeouts.connectMs, statement_timeout: timeouts.statementMs } } } : {}),
  };
}

/** Opens the database as the app (row-level security applies); pass 'owner' only to migrate. */
export async function openOrm(databaseUrl: string, role: DatabaseRole = 'runtime', timeouts?: DatabaseTimeouts): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, role, timeouts));
}

/** Applies pending migrations; safe to run from several processes (serialised by an advisory lock). */
export async function applyMigrations(orm: Orm): Promise<string[]> {
  const connection = orm.em.getConnection();
  await connection.execute('select pg_advisory_lock(727001)');
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((migration) => migration.name);
  } finally {
    await connection.execute('select pg_advisory_unlock(727001)');
  }
}

/**
 * Refuses to run against a schema this build does not know: missing migrations (run
 * `npm run migrate`) or migrations from a newer build (deploy that build instead).
 */
export async function assertSchemaIsCurrent(orm: Orm): Promise<void> {
  const migrator = orm.getMigrator();
  const executed = (await migrator.getExecutedMigrations()).map((migration) => migration.name);
  const known = knownMigrations.map((migration) => migration.name);
  const unknown = executed.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`Database schema is newer than this build (unknown migrations: ${unknown.join(', ')}). Refusing to start.`);
  }
  const pending = known.filter((name) => !executed.includes(name));
  if (pending.length > 0) {
    throw new Error(`Database schema is out of date (pending migrations: ${pending.join(', ')}). Run \`npm run migrate\`.`);
  }
}
