/**
 * The AES-256 keys of the local secret store. Every row records the id of the key that encrypted
 * it, so keys can be rotated: add a new key, make it active, re-encrypt, then drop the old one.
 */
export interface SecretKeyring {
  /** Key id → 32-byte AES-256 key. */
  keys: Record<string, Buffer>;
  /** The key new writes use; reads use whichever key the row names. */
  activeKeyId: string;
}

const AES_256_KEY_BYTES = 32;
// Key ids are stored in every row and written in SECRETS_KEYS, whose separators they must avoid.
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_GENERATION_HINT = 'generate one with: openssl rand -base64 32';

/** Throws a message naming the problem, never a key's bytes. */
export function assertValidKeyring(keyring: SecretKeyring): void {
  const keyIds = Object.keys(keyring.keys);
  if (keyIds.length === 0) throw new Error('The secret keyring has no keys.');
  for (const keyId of keyIds) {
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new Error(`Secret key id "${keyId}" is invalid: use 1-64 characters of A-Z a-z 0-9 _ . -`);
    }
    const keyLength = keyring.keys[keyId].length;
    if (keyLength !== AES_256_KEY_BYTES) {
      throw new Error(`Secret key "${keyId}" is ${keyLength} bytes; AES-256 needs ${AES_256_KEY_BYTES} (${KEY_GENERATION_HINT}).`);
    }
  }
  if (!Object.hasOwn(keyring.keys, keyring.activeKeyId)) {
    throw new Error(`The active secret key "${keyring.activeKeyId}" is not among the configured keys (${keyIds.join(', ')}).`);
  }
}

/**
 * Reads the keyring from its environment variables: SECRETS_KEYS="k1:<base64>,k2:<base64>" and
 * SECRETS_ACTIVE_KEY=k2 (or another pair of variables of the same format, named in messages).
 */
export function parseSecretKeys(
  keysVariable: string | undefined,
  activeKeyVariable: string | undefined,
  variableNames: { keys: string; activeKey: string } = { keys: 'SECRETS_KEYS', activeKey: 'SECRETS_ACTIVE_KEY' },
): SecretKeyring {
  const { keys: keysName, activeKey: activeKeyName } = variableNames;
  if (!keysVariable?.trim()) throw new Error(`${keysName} is not set: give at least one "keyId:base64Key" (${KEY_GENERATION_HINT}).`);
  const activeKeyId = activeKeyVariable?.trim();
  if (!activeKeyId) throw new Error(`${activeKeyName} is not set: name the ${keysName} key id that encrypts new data.`);

  const keys: Record<string, Buffer> = {};
  keysVariable.split(',').forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const keyId = entry.slice(0, separator).trim();
    const encodedKey = entry.slice(separator + 1).trim();
    // Entries are identified by position and id only: the text may hold key material.
    const where = `${keysName} entry ${index + 1}`;
    if (separator < 0 || !keyId || !encodedKey) throw new Error(`${where} is not in the form "keyId:base64Key".`);
    if (Object.hasOwn(keys, keyId)) throw new Error(`${where} repeats key id "${keyId}".`);
    if (!BASE64_PATTERN.test(encodedKey)) throw new Error(`${where} ("${keyId}") is not valid base64.`);
    keys[keyId] = Buffer.from(encodedKey, 'base64');
  });

  const keyring = { keys, activeKeyId };
  assertValidKeyring(keyring);
  return keyring;
}
