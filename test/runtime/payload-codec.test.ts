import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, encryptedEncoding, encryptionKeyIdMetadataKey, parsePayloadCodecKeys } from '../../runtime/payload-codec';
import { refusedPlaintextValue } from '../../workflows/unencrypted-input';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('payload codec (AES-256-GCM)', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const before = new AesGcmPayloadCodec(parsePayloadCodecKeys(`old:${oldKey}`, 'old'));
  const rotated = new AesGcmPayloadCodec(parsePayloadCodecKeys(`old:${oldKey},new:${newKey}`, 'new'));
  const secretInput = { tenantId: 't1', transcript: 'We can spend 40k before March' };
  const plain = (): Payload => defaultPayloadConverter.toPayload(secretInput);

  it('hides the payload and names its key and encoding in the metadata', async () => {
    const [encoded] = await before.encode([plain()]);
    assert.equal(text(encoded!.metadata!.encoding), encryptedEncoding);
    assert.equal(text(encoded!.metadata![encryptionKeyIdMetadataKey]), 'old');
    assert.ok(!text(encoded!.data).includes('40k'));
    assert.ok(!JSON.stringify(encoded).includes('json/plain'), 'even the inner encoding is encrypted');
    const [decoded] = await before.decode([encoded!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), secretInput);
  });

  it('decrypts payloads of a previous key after rotation, and encrypts new ones with the active key', async () => {
    const [old] = await before.encode([plain()]);
    assert.deepEqual(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!), secretInput);
    const [fresh] = await rotated.encode([plain()]);
    assert.equal(text(fresh!.metadata![encryptionKeyIdMetadataKey]), 'new');
    await assert.rejects(before.decode([fresh!]), /key "new", which is not configured in PAYLOAD_CODEC_KEYS/);
  });

  it('refuses a tampered payload', async () => {
    const [encoded] = await before.encode([plain()]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0xff;
    await assert.rejects(before.decode([{ ...encoded!, data }]), /failed authentication/);
  });

  it('turns a payload that is not encrypted into a refusal the workflow interceptor rejects', async () => {
    const [decoded] = await before.decode([plain()]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), refusedPlaintextValue);
  });

  it('shows payloads written before encryption unchanged to the codec server (old histories stay readable)', async () => {
    const shows = new AesGcmPayloadCodec(parsePayloadCodecKeys(`old:${oldKey}`, 'old'), 'show');
    const unencrypted = plain();
    assert.deepEqual(await shows.decode([unencrypted]), [unencrypted]);
  });

  it('explains a misconfiguration without echoing key material', () => {
    assert.throws(() => parsePayloadCodecKeys('', 'k1'), /PAYLOAD_CODEC_KEYS is not set/);
    assert.throws(() => parsePayloadCodecKeys(`k1:${oldKey}`, ''), /PAYLOAD_CODEC_ACTIVE_KEY is not set/);
    assert.throws(() => parsePayloadCodecKeys('k1:c2hvcnQ=', 'k1'), (error: Error) => !error.message.includes('c2hvcnQ=') && /needs 32/.test(error.message));
  });
});
