import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseSecretKeys } from '../../secrets/secret-keyring';

describe('parseSecretKeys', function () {
  const key1 = randomBytes(32);
  const key2 = randomBytes(32);

  it('reads every key and the active key id', function () {
    const keyring = parseSecretKeys(`k1:${key1.toString('base64')}, k2:${key2.toString('base64')}`, 'k2');
    assert.deepEqual(keyring, { keys: { k1: key1, k2: key2 }, activeKeyId: 'k2' });
  });

  it('rejects a missing variable', function () {
    assert.throws(() => parseSecretKeys(undefined, 'k1'), /SECRETS_KEYS is not set/);
    assert.throws(() => parseSecretKeys(`k1:${key1.toString('base64')}`, ''), /SECRETS_ACTIVE_KEY is not set/);
  });

  it('rejects an entry without an id or a key', function () {
    assert.throws(() => parseSecretKeys(key1.toString('base64'), 'k1'), /entry 1 is not in the form "keyId:base64Key"/);
    assert.throws(() => parseSecretKeys(`k1:${key1.toString('base64')},k2:`, 'k1'), /entry 2 is not in the form/);
  });

  it('rejects a key of the wrong length, naming its size', function () {
    assert.throws(() => parseSecretKeys(`k1:${randomBytes(16).toString('base64')}`, 'k1'), /"k1" is 16 bytes; AES-256 needs 32/);
  });

  it('rejects text that is not base64 without repeating it', function () {
    const notBase64 = 'this is not base64!';
    assert.throws(
      () => parseSecretKeys(`k1:${notBase64}`, 'k1'),
      (error: Error) => /\("k1"\) is not valid base64/.test(error.message) && !error.message.includes(notBase64),
    );
  });

  it('rejects a repeated key id', function () {
    assert.throws(() => parseSecretKeys(`k1:${key1.toString('base64')},k1:${key2.toString('base64')}`, 'k1'), /repeats key id "k1"/);
  });

  it('rejects an active key id that is not configured, listing the ones that are', function () {
    assert.throws(() => parseSecretKeys(`k1:${key1.toString('base64')}`, 'k9'), /active secret key "k9" is not among the configured keys \(k1\)/);
  });

  it('rejects a key id that could not be written back into SECRETS_KEYS', function () {
    assert.throws(() => parseSecretKeys(`key one:${key1.toString('base64')}`, 'key one'), /key id "key one" is invalid/);
  });
});
