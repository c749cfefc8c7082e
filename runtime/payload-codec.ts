/**
 * Encrypts every workflow payload (inputs, results, signals, updates, queries, memo, encoded
 * failures) with AES-256-GCM before it leaves the process, so Temporal's database, Web UI and
 * CLI hold only ciphertext. Used by every Temporal client and worker, and by the codec server
 * that lets an authenticated operator read payloads in the Web UI.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { assertValidKeyring, parseSecretKeys, type SecretKeyring } from '../secrets/secret-keyring';
import { refusedPlaintextValue } from '../workflows/unencrypted-input';

export const encryptedEncoding = 'binary/encrypted';
export const encryptionKeyIdMetadataKey = 'encryption-key-id';

const cipherName = 'aes-256-gcm';
const ivBytes = 12;
const authTagBytes = 16;

/** Reads PAYLOAD_CODEC_KEYS="id:base64,..." and PAYLOAD_CODEC_ACTIVE_KEY (same format as the secret store's keys). */
export function parsePayloadCodecKeys(keys: string | undefined, activeKeyId: string | undefined): SecretKeyring {
  return parseSecretKeys(keys, activeKeyId, { keys: 'PAYLOAD_CODEC_KEYS', activeKey: 'PAYLOAD_CODEC_ACTIVE_KEY' });
}

/**
 * What decoding does with a payload that is not encrypted. Workers and clients `refuse` it: only
 * a holder of the key can put input into a workflow, so a client that reaches Temporal without
 * the key cannot act on a meeting. The codec server `show`s it, so the Web UI and CLI can still
 * display histories recorded before encryption.
 */
export type PlaintextPolicy = 'refuse' | 'show';

/**
 * New payloads are encrypted with the active key; any configured key decrypts, so keys rotate by
 * adding a key, making it active, and dropping the old one once no open workflow needs it.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly keyring: SecretKeyring,
    private readonly plaintext: PlaintextPolicy = 'refuse',
  ) {
    assertValidKeyring(keyring);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv(cipherName, this.keyring.keys[keyId]!, iv, { authTagLength: authTagBytes });
      cipher.setAAD(Buffer.from(keyId, 'utf8'));
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(encryptedEncoding, 'utf8'),
          [encryptionKeyIdMetadataKey]: Buffer.from(keyId, 'utf8'),
        },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (metadataText(payload, METADATA_ENCODING_KEY) !== encryptedEncoding) return this.plaintext === 'show' ? payload : refusedPayload;
      const keyId = metadataText(payload, encryptionKeyIdMetadataKey);
      if (!keyId || !Object.hasOwn(this.keyring.keys, keyId)) {
        throw new Error(`Payload is encrypted with key "${keyId ?? '(none)'}", which is not configured in PAYLOAD_CODEC_KEYS.`);
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < ivBytes + authTagBytes) throw new Error('Encrypted payload is truncated.');
      const decipher = createDecipheriv(cipherName, this.keyring.keys[keyId]!, data.subarray(0, ivBytes), { authTagLength: authTagBytes });
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - authTagBytes));
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - authTagBytes)), decipher.final()]);
      } catch {
        throw new Error(`Encrypted payload failed authentication with key "${keyId}".`);
      }
      return temporal.api.common.v1.Payload.decode(plaintext);
    });
  }
}

/**
 * Throwing here would fail the workflow task over and over (a forged signal would wedge the
 * meeting), so a refused payload decodes to a marker value that the workflow interceptor turns
 * away: a rejected update, an ignored signal, a failed start.
 */
const refusedPayload: Payload = {
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain', 'utf8') },
  data: Buffer.from(JSON.stringify(refusedPlaintextValue), 'utf8'),
};

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}
