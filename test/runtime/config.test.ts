import assert from 'node:assert/strict';
import { loadConfig } from '../../runtime/config';
import { ConfigError } from '../../runtime/env-settings';

/** The least a process needs to start with the local secret store. */
const minimal = {
  DATABASE_URL: 'postgres://app:s3cret-password@localhost:5432/followup',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SECRETS_KEYS: 'k1:AAAA',
  SECRETS_ACTIVE_KEY: 'k1',
  PAYLOAD_CODEC_KEYS: 'k1:AAAA',
  PAYLOAD_CODEC_ACTIVE_KEY: 'k1',
  ACTOR_PROOF_KEY: 'actor-proof-key-of-forty-three-or-more-characters',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  it('starts with only the required settings, on the documented defaults', () => {
    const config = loadConfig(minimal);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.api.publicUrl, 'http://localhost:3000');
    assert.equal(config.crm.hubspot.apiUrl, 'https://api.hubapi.com');
    assert.deepEqual(config.operator.temporalUiOrigins, ['http://localhost:8233']);
    assert.equal(config.operator.temporalUiUrl, undefined, 'the operator listener serves no Web UI unless told where its server is');
  });

  it('takes the Web UI server the operator listener serves as an http(s) URL', () => {
    assert.equal(loadConfig({ ...minimal, TEMPORAL_UI_URL: 'http://temporal-ui:8080' }).operator.temporalUiUrl, 'http://temporal-ui:8080');
    assert.deepEqual(problemsOf({ ...minimal, TEMPORAL_UI_URL: 'temporal-ui:8080' }), [
      'TEMPORAL_UI_URL is "temporal-ui:8080", not an http(s) URL. For example: TEMPORAL_UI_URL=http://127.0.0.1:8233',
    ]);
  });

  it('believes X-Forwarded-* only when TRUST_PROXY says a proxy in front sets them', () => {
    assert.equal(loadConfig(minimal).api.trustProxy, false);
    assert.equal(loadConfig({ ...minimal, TRUST_PROXY: 'true' }).api.trustProxy, true);
    assert.equal(problemsOf({ ...minimal, TRUST_PROXY: 'yes' }).length, 1);
  });

  it('treats an empty variable as unset, for defaults and optional settings alike', () => {
    const config = loadConfig({ ...minimal, LOG_LEVEL: '', PUBLIC_URL: '', HUBSPOT_API_URL: ' ', HUBSPOT_CLIENT_ID: '', TEMPORAL_API_KEY: '', API_PORT: '' });
    assert.equal(config.logLevel, 'info');
    assert.equal(config.api.publicUrl, 'http://localhost:3000');
    assert.equal(config.crm.hubspot.apiUrl, 'https://api.hubapi.com');
    assert.equal(config.crm.hubspot.clientId, undefined);
    assert.equal(config.temporal.apiKey, undefined);
    assert.equal(config.temporal.tls, false);
  });

  it('refuses a mistyped LOG_LEVEL instead of quietly logging at info', () => {
    assert.deepEqual(problemsOf({ ...minimal, LOG_LEVEL: 'warning' }), [
      'LOG_LEVEL is "warning", not one of debug, info, warn, error. For example: LOG_LEVEL=info',
    ]);
  });

  it('refuses URLs that are not http(s) URLs, naming the variable and a good value', () => {
    assert.deepEqual(problemsOf({ ...minimal, PUBLIC_URL: 'followup.example.com', SALESFORCE_LOGIN_URL: 'ftp://login.salesforce.com', GOOGLE_TOKEN_URL: 'https//oauth2.googleapis.com/token' }), [
      'PUBLIC_URL is "followup.example.com", not an http(s) URL. For example: PUBLIC_URL=http://localhost:3000',
      'SALESFORCE_LOGIN_URL is "ftp://login.salesforce.com", not an http(s) URL. For example: SALESFORCE_LOGIN_URL=https://login.salesforce.com',
      'GOOGLE_TOKEN_URL is "https//oauth2.googleapis.com/token", not an http(s) URL. For example: GOOGLE_TOKEN_URL=https://oauth2.googleapis.com/token',
    ]);
  });

  it('reports every bad setting at once, in one error an operator can read at start-up', () => {
    const { DATABASE_URL: _unset, ...withoutDatabase } = minimal;
    let message = '';
    try {
      loadConfig({ ...withoutDatabase, API_PORT: '80a', AI_DRAFTER: 'gpt', SLACK_STATE_SECRET: 'short', TEMPORAL_UI_ORIGINS: 'http://localhost:8233, localhost:8080' });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    assert.equal(
      message,
      [
        'The configuration has 5 problems:',
        '  - API_PORT is "80a", not a whole number from 1 to 65535. For example: API_PORT=3000',
        '  - AI_DRAFTER is "gpt", not one of claude, extractive, unconfigured. For example: AI_DRAFTER=unconfigured',
        '  - DATABASE_URL is not set. For example: DATABASE_URL=postgres://app:password@localhost:5432/followup',
        '  - SLACK_STATE_SECRET must be at least 32 characters. For example: SLACK_STATE_SECRET=<32 or more random characters, e.g. openssl rand -hex 32>',
        '  - TEMPORAL_UI_ORIGINS has "localhost:8080", not http(s) URLs. For example: TEMPORAL_UI_ORIGINS=http://localhost:8233',
      ].join('\n'),
    );
  });

  it('refuses to start without an actor proof key of 32 random bytes', () => {
    const { ACTOR_PROOF_KEY: _unset, ...withoutKey } = minimal;
    assert.ok(problemsOf(withoutKey).some((problem) => problem.includes('ACTOR_PROOF_KEY is not set')));
    assert.ok(problemsOf({ ...minimal, ACTOR_PROOF_KEY: 'short' }).some((problem) => problem.includes('ACTOR_PROOF_KEY must be at least 43 characters')));
  });

  it('connects to Temporal with an mTLS client certificate only when given both its files', () => {
    const temporal = loadConfig({ ...minimal, TEMPORAL_TLS_CERT: '/run/secrets/client.pem', TEMPORAL_TLS_KEY: '/run/secrets/client.key' }).temporal;
    assert.deepEqual([temporal.tls, temporal.clientCertPath, temporal.clientKeyPath], [true, '/run/secrets/client.pem', '/run/secrets/client.key']);
    assert.equal(loadConfig(minimal).temporal.tls, false);
    const problems = problemsOf({ ...minimal, TEMPORAL_TLS_CERT: '/run/secrets/client.pem' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /TEMPORAL_TLS_KEY/);
  });

  it('never repeats a secret in a problem', () => {
    const problems = problemsOf({ ...minimal, DATABASE_URL: 'mysql://app:s3cret-password@db/followup', SLACK_STATE_SECRET: 'too-short-s3cret' });
    assert.equal(problems.length, 2);
    for (const problem of problems) assert.doesNotMatch(problem, /s3cret/);
  });

  it('asks for the Anthropic key when the Claude drafter is chosen without one', () => {
    assert.deepEqual(problemsOf({ ...minimal, AI_DRAFTER: 'claude' }), ['ANTHROPIC_API_KEY is not set, and AI_DRAFTER=claude needs it. For example: ANTHROPIC_API_KEY=sk-ant-…']);
  });
});
