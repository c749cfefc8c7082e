// Settings a local run needs but a newcomer has not got yet: a key for the local secret store
// and a Slack signing secret. Generated once into .data/ (git-ignored) and reused, so secrets
// stored by one run can be read by the next. Values in the environment always win.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const generatedNames = ['SECRETS_KEYS', 'SECRETS_ACTIVE_KEY', 'SLACK_SIGNING_SECRET'] as const;

export async function localSettings(repoRoot: string): Promise<Record<string, string>> {
  const file = path.join(repoRoot, '.data', 'local-settings.json');
  let stored: Record<string, string>;
  try {
    stored = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    stored = {
      SECRETS_KEYS: `local1:${randomBytes(32).toString('base64')}`,
      SECRETS_ACTIVE_KEY: 'local1',
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  const settings: Record<string, string> = {};
  for (const name of generatedNames) settings[name] = process.env[name] || stored[name]!;
  return settings;
}
