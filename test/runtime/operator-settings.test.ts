import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../runtime/config';
import { ConfigError } from '../../runtime/env-settings';

const baseEnv = {
  DATABASE_URL: 'postgres://localhost/x',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SECRETS_KEYS: 'k:x',
  SECRETS_ACTIVE_KEY: 'k',
  PAYLOAD_CODEC_KEYS: 'c:x',
  PAYLOAD_CODEC_ACTIVE_KEY: 'c',
  ACTOR_PROOF_KEY: 'actor-proof-key-of-forty-three-or-more-characters',
};

describe('operator settings', () => {
  it('accepts a token of 32 random bytes, in base64 or hex', () => {
    for (const token of [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64'), randomBytes(32).toString('hex')]) {
      assert.equal(loadConfig({ ...baseEnv, CODEC_OPERATOR_TOKEN: token }).operator.token, token);
    }
  });

  it('refuses a short or repetitive token with a message that says how to make one', () => {
    for (const token of [randomBytes(24).toString('base64url'), 'a'.repeat(64), 'abababababababababababababababababababababababab']) {
      assert.throws(() => loadConfig({ ...baseEnv, CODEC_OPERATOR_TOKEN: token }), (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /at least 32 random bytes.*openssl rand -base64 32/);
        return true;
      });
    }
  });

  it('serves operators on 127.0.0.1:3001 unless told otherwise', () => {
    const { operator } = loadConfig(baseEnv);
    assert.deepEqual({ host: operator.host, port: operator.port }, { host: '127.0.0.1', port: 3001 });
    assert.equal(loadConfig({ ...baseEnv, OPERATOR_PORT: '4001' }).operator.port, 4001);
  });

  it('refuses an identity header without the proxies allowed to set it', () => {
    assert.throws(() => loadConfig({ ...baseEnv, OPERATOR_IDENTITY_HEADER: 'x-forwarded-email' }), /OPERATOR_TRUSTED_PROXIES/);
    const { operator } = loadConfig({ ...baseEnv, OPERATOR_IDENTITY_HEADER: 'X-Forwarded-Email', OPERATOR_TRUSTED_PROXIES: '10.0.0.5, 10.0.0.6' });
    assert.deepEqual({ header: operator.identityHeader, proxies: operator.trustedProxies }, { header: 'x-forwarded-email', proxies: ['10.0.0.5', '10.0.0.6'] });
  });
});
