// The app's database logins on a server this machine administers (embedded Postgres, or
// DATABASE_ADMIN_URL): created or re-applied at every start with passwords generated once.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { provisionDatabaseRoles, type DatabaseRolePasswords, type DatabaseUrls } from '../../db/database-roles';

export function generatedRolePasswords(): DatabaseRolePasswords {
  const password = (): string => randomBytes(18).toString('base64url');
  return { owner: password(), runtime: password(), maintenance: password() };
}

/**
 * Passwords kept in `file` (0600, beside local-settings.json but never handed to the app's
 * processes: the worker and API get only their own login's URL).
 */
async function storedRolePasswords(file: string): Promise<DatabaseRolePasswords> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as DatabaseRolePasswords;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const passwords = generatedRolePasswords();
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  return passwords;
}

/** Provisions the roles through `adminUrl` (a superuser) and returns one URL per role. */
export async function provisionLocalDatabaseRoles(options: { adminUrl: string; database: string; passwordsFile?: string }): Promise<DatabaseUrls> {
  const passwords = options.passwordsFile ? await storedRolePasswords(options.passwordsFile) : generatedRolePasswords();
  return provisionDatabaseRoles({ adminUrl: options.adminUrl, database: options.database, passwords });
}
