/**
 * Finishes a key rotation of the local secret store (SECRETS_BACKEND=local):
 *   npm run secrets:reencrypt
 * Run it with the worker's settings once the new key is in SECRETS_KEYS and named by
 * SECRETS_ACTIVE_KEY everywhere. It re-encrypts every secret still under another key with the
 * active one and prints how many secrets each key encrypts before and after; a key left with
 * none can then be removed from SECRETS_KEYS.
 */
import { openOrm } from '../db/orm';
import { loadConfig } from '../runtime/config';
import { LocalSecretStore } from '../secrets/local-secret-store';
import { parseSecretKeys } from '../secrets/secret-keyring';

export interface ReencryptionReport {
  /** Secrets per key id before re-encryption. */
  before: Record<string, number>;
  reencrypted: number;
  /** Secrets per key id afterwards: only the active key, unless a secret changed meanwhile. */
  after: Record<string, number>;
}

export async function reencryptSecrets(store: LocalSecretStore): Promise<ReencryptionReport> {
  const before = await store.countByKey();
  const reencrypted = await store.reencryptAll();
  return { before, reencrypted, after: await store.countByKey() };
}

function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'no secrets' : entries.map(([keyId, secrets]) => `${keyId}: ${secrets}`).join(', ');
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.secrets.backend !== 'local') {
    throw new Error('SECRETS_BACKEND is not "local": AWS Secrets Manager encrypts with KMS, whose keys rotate in KMS.');
  }
  const keyring = parseSecretKeys(config.secrets.keys, config.secrets.activeKeyId);
  const orm = await openOrm(config.databaseUrl);
  try {
    const report = await reencryptSecrets(new LocalSecretStore(() => orm.em.fork(), keyring));
    console.log(`Before: ${describeCounts(report.before)}.`);
    console.log(`Re-encrypted ${report.reencrypted} secrets with the active key "${keyring.activeKeyId}".`);
    console.log(`After: ${describeCounts(report.after)}.`);
    const retired = Object.keys(keyring.keys).filter((keyId) => keyId !== keyring.activeKeyId && !report.after[keyId]);
    if (retired.length > 0) console.log(`No secret uses ${retired.join(', ')} any more: it can be removed from SECRETS_KEYS.`);
  } finally {
    await orm.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`Re-encryption failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
