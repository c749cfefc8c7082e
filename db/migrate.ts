import { applyMigrations, openOrm } from './orm';

/** Brings the database at `databaseUrl` to the schema this build expects. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  // Migrations create and alter tables, so they run as the owner, never as the runtime role.
  const orm = await openOrm(databaseUrl, 'owner');
  try {
    return await applyMigrations(orm);
  } finally {
    await orm.close(true);
  }
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set.');
    process.exit(2);
  }
  migrateDatabase(databaseUrl).then(
    (applied) => console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date.'),
    (error: unknown) => {
      console.error('Migration failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
