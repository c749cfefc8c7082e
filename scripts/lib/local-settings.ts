// Settings a local run needs but a newcomer has not got yet: a key for the local secret store,
// a Slack signing secret, the workflow payload codec key, the operator token of the codec
// server and the key that signs actors. Generated once into .data/ (git-ignored) and reused, so secrets stored and workflows
// encrypted by one run can be read by the next. A setting missing from an older file is added
// to it, and an operator token too short for today's rule is replaced (it encrypts nothing; only
// operator sessions end). Values in the environment always win. The file and its folder are
// made owner-only on every read and write: writeFile's mode only applies when it creates a file,
// so a file or folder left readable by an older run would stay so.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { operatorTokenProblem } from '../../runtime/config';

const generators = {
  SECRETS_KEYS: () => `local1:${randomBytes(32).toString('base64')}`,
  SECRETS_ACTIVE_KEY: () => 'local1',
  SLACK_SIGNING_SECRET: () => randomBytes(16).toString('hex'),
  PAYLOAD_CODEC_KEYS: () => `codec1:${randomBytes(32).toString('base64')}`,
  PAYLOAD_CODEC_ACTIVE_KEY: () => 'codec1',
  CODEC_OPERATOR_TOKEN: () => randomBytes(32).toString('base64url'),
  ACTOR_PROOF_KEY: () => randomBytes(32).toString('base64url'),
} satisfies Record<string, () => string>;

export type LocalSettingName = keyof typeof generators;

/**
 * Owner-only, except that as root the folder stays traversable (no listing, no reading): the
 * embedded Postgres then runs as the OS user `postgres`, which must reach its own data folder inside.
 */
export function dataFolderMode(): number {
  return process.getuid?.() === 0 ? 0o711 : 0o700;
}

export async function localSettings(dataRoot: string): Promise<Record<LocalSettingName, string>> {
  const file = path.join(dataRoot, 'local-settings.json');
  await fs.mkdir(dataRoot, { recursive: true, mode: dataFolderMode() });
  await fs.chmod(dataRoot, dataFolderMode());
  let stored: Partial<Record<LocalSettingName, string>> = {};
  try {
    stored = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Record<LocalSettingName, string>>;
  } catch (error) {
    // First run: everything is generated below. A damaged file is not silently replaced: its keys decrypt existing data.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const names = Object.keys(generators) as LocalSettingName[];
  const missing = names.filter((name) => !stored[name] || (name === 'CODEC_OPERATOR_TOKEN' && operatorTokenProblem(stored[name])));
  if (missing.length > 0) {
    for (const name of missing) stored[name] = generators[name]();
    await fs.writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  await fs.chmod(file, 0o600);
  return Object.fromEntries(names.map((name) => [name, process.env[name] || stored[name]!])) as Record<LocalSettingName, string>;
}
