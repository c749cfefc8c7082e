// Postgres refuses to run as root, so as root the embedded server runs as the OS user `postgres`
// (created if missing). That user must be able to enter every folder above the server's binaries
// (in node_modules, inside the checkout) and above its data dir; a checkout in /root or in a
// `mktemp -d` folder (mode 700) is not enterable, and initdb then fails with a bare EACCES.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const POSTGRES_OS_USER = 'postgres';

interface OsUser {
  uid: number;
  gid: number;
}

function findOsUser(name: string): OsUser | undefined {
  try {
    const id = (flag: string): number => Number.parseInt(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), 10);
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** `dir` and its ancestors, from `/` down. */
function foldersFromRoot(dir: string): string[] {
  const folders: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) return folders;
  }
}

function nearestExistingFolder(target: string): string {
  let current = path.resolve(target);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return fs.realpathSync(current);
}

/**
 * Whether `user` may enter `folder`. An existing user is asked the way the server will be run
 * (same uid and gid, no supplementary groups: Node drops them when it switches user). A user the
 * package has yet to create owns nothing and is in no existing group: only "others" counts.
 */
function canEnter(folder: string, user: OsUser | undefined): boolean {
  if (user) return spawnSync('test', ['-x', folder], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
  return (fs.statSync(folder).mode & 0o001) !== 0;
}

export interface PostgresPaths {
  /** The folder of the server's binaries. */
  binDir: string;
  dataDir: string;
}

/**
 * Undefined when the embedded server can run here; otherwise one sentence saying which folder the
 * `postgres` user cannot enter and what to do. Only root is switched to that user.
 */
export function postgresUserAccessProblem(paths: PostgresPaths, isRoot = process.getuid?.() === 0): string | undefined {
  if (!isRoot) return undefined;
  const user = findOsUser(POSTGRES_OS_USER);
  const needed = [
    { what: 'the Postgres binaries', folder: nearestExistingFolder(paths.binDir) },
    { what: 'the Postgres data dir', folder: nearestExistingFolder(path.dirname(paths.dataDir)) },
  ];
  for (const { what, folder } of needed) {
    const blocked = foldersFromRoot(folder).find((candidate) => !canEnter(candidate, user));
    if (blocked === undefined) continue;
    return (
      `Running as root, the embedded Postgres runs as the OS user "${POSTGRES_OS_USER}", which cannot enter ${blocked} ` +
      `(on the way to ${what} in ${folder}). Clone the repository into a folder every user can enter ` +
      `(e.g. /opt or /srv; not /root or a "mktemp -d" folder), run it as a regular user, ` +
      `or use a Postgres of your own with DATABASE_ADMIN_URL.`
    );
  }
  return undefined;
}
