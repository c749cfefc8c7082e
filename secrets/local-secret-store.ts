import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type EntityManager } from '@mikro-orm/postgresql';
import { assertValidSecretName, assertValidSecretPrefix } from './secret-name-rules';
import { assertValidKeyring, type SecretKeyring } from './secret-keyring';
import { type SecretStore } from './secret-store';
import { secretStoreError } from './secret-store-errors';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12; // the GCM standard nonce size; random per write, never reused with a key
const AUTH_TAG_BYTES = 16;
const REENCRYPT_BATCH_SIZE = 100;

interface EncryptedSecret {
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
}

interface StoredSecretRow extends EncryptedSecret {
  name: string;
  version: number;
}

/**
 * Secrets encrypted with AES-256-GCM in the Postgres table `secret_value`, for running without
 * AWS. Only ciphertext reaches the database (and so its query logs and error messages).
 */
export class LocalSecretStore implements SecretStore {
  private readonly keyring: SecretKeyring;

  /** @param forkEntityManager returns a fresh fork per call, e.g. `() => orm.em.fork()`. */
  constructor(
    private readonly forkEntityManager: () => EntityManager,
    keyring: SecretKeyring,
  ) {
    assertValidKeyring(keyring);
    this.keyring = keyring;
  }

  async put(name: string, value: string): Promise<void> {
    assertValidSecretName(name);
    const encrypted = this.encrypt(name, value);
    await this.execute(
      `insert into secret_value (name, key_id, iv, auth_tag, ciphertext, version, created_at, updated_at)
       values (?, ?, ?, ?, ?, 1, now(), now())
       on conflict (name) do update set
         key_id = excluded.key_id, iv = excluded.iv, auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext,
         version = secret_value.version + 1, updated_at = excluded.updated_at`,
      [name, encrypted.key_id, encrypted.iv, encrypted.auth_tag, encrypted.ciphertext],
    );
  }

  async get(name: string): Promise<string | null> {
    assertValidSecretName(name);
    const rows = await this.execute<EncryptedSecret[]>(
      'select key_id, iv, auth_tag, ciphertext from secret_value where name = ?',
      [name],
    );
    return rows.length === 0 ? null : this.decrypt(name, rows[0]);
  }

  async delete(name: string): Promise<void> {
    assertValidSecretName(name);
    await this.execute('delete from secret_value where name = ?', [name]);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidSecretPrefix(prefix);
    // starts_with, not LIKE: '_' is common in names and would be a LIKE wildcard.
    const result = await this.execute<{ affectedRows: number }>(
      'delete from secret_value where starts_with(name, ?)',
      [prefix],
      'run',
    );
    return result.affectedRows;
  }

  /**
   * Moves every row not yet under the active key to it (the last step of a key rotation, after
   * which the old key can be removed). Returns how many rows it re-encrypted.
   */
  async reencryptAll(): Promise<number> {
    let reencrypted = 0;
    let lastName = '';
    for (;;) {
      const rows = await this.execute<StoredSecretRow[]>(
        `select name, version, key_id, iv, auth_tag, ciphertext from secret_value
         where key_id <> ? and name > ? order by name limit ${REENCRYPT_BATCH_SIZE}`,
        [this.keyring.activeKeyId, lastName],
      );
      for (const row of rows) {
        const encrypted = this.encrypt(row.name, this.decrypt(row.name, row));
        // Matching version and key: a put that raced us already wrote under the active key.
        const result = await this.execute<{ affectedRows: number }>(
          `update secret_value set key_id = ?, iv = ?, auth_tag = ?, ciphertext = ?, updated_at = now()
           where name = ? and version = ? and key_id = ?`,
          [encrypted.key_id, encrypted.iv, encrypted.auth_tag, encrypted.ciphertext, row.name, row.version, row.key_id],
          'run',
        );
        reencrypted += result.affectedRows;
      }
      if (rows.length < REENCRYPT_BATCH_SIZE) return reencrypted;
      lastName = rows[rows.length - 1].name;
    }
  }

  /** How many stored secrets each key encrypts: a key with none left can be removed. */
  async countByKey(): Promise<Record<string, number>> {
    const rows = await this.execute<Array<{ key_id: string; secrets: number }>>(
      'select key_id, count(*)::int as secrets from secret_value group by key_id order by key_id',
      [],
    );
    return Object.fromEntries(rows.map((row) => [row.key_id, row.secrets]));
  }

  private execute<T>(sql: string, params: unknown[], method: 'all' | 'run' = 'all'): Promise<T> {
    return this.forkEntityManager().getConnection().execute<T & object>(sql, params, method);
  }

  private encrypt(name: string, value: string): EncryptedSecret {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.keyring.keys[keyId], iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(associatedData(name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { key_id: keyId, iv, auth_tag: cipher.getAuthTag(), ciphertext };
  }

  private decrypt(name: string, row: EncryptedSecret): string {
    if (!Object.hasOwn(this.keyring.keys, row.key_id)) {
      throw secretStoreError(
        'invalid',
        `secret "${name}" is encrypted with key "${row.key_id}", which is not configured (have: ${Object.keys(this.keyring.keys).join(', ')})`,
      );
    }
    try {
      const decipher = createDecipheriv(CIPHER, this.keyring.keys[row.key_id], row.iv, { authTagLength: AUTH_TAG_BYTES });
      decipher.setAAD(associatedData(name));
      decipher.setAuthTag(row.auth_tag);
      return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw secretStoreError(
        'invalid',
        `secret "${name}" failed authentication with key "${row.key_id}": the stored row was altered or belongs to another name`,
      );
    }
  }
}

/** Binds each ciphertext to its row's name, so one tenant's ciphertext copied into another row fails to decrypt. */
function associatedData(name: string): Buffer {
  return Buffer.from(`secret_value:${name}`, 'utf8');
}
