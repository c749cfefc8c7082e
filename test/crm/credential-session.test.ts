import assert from 'node:assert/strict';
import type { CrmCredentials } from '../../clients/crm/crm-provider';
import { CredentialSession, type OAuthCredentials } from '../../clients/crm/credential-session';
import { ExternalServiceError, errorFromHttpStatus } from '../../domain/service-errors';
import { MemoryCredentialSource } from './memory-credentials';

const unauthorized = () => errorFromHttpStatus('hubspot', 401);
const oauth = (accessToken: string, refreshToken = 'refresh-1'): OAuthCredentials => ({ type: 'oauth', accessToken, refreshToken });

/** A fake CRM that accepts exactly one access token at a time. */
function crmAccepting(token: () => string) {
  return async (credentials: CrmCredentials) => {
    if (credentials.type !== 'oauth' || credentials.accessToken !== token()) throw unauthorized();
    return 'ok';
  };
}

describe('CredentialSession', function () {
  it('refreshes once for concurrent calls that all hit a 401', async function () {
    const source = new MemoryCredentialSource(oauth('old-token'));
    let live = 'old-token';
    let refreshes = 0;
    const session = new CredentialSession({
      service: 'hubspot',
      source,
      refresh: async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return oauth('new-token', 'refresh-2');
      },
    });
    const call = crmAccepting(() => live);
    await session.run(call);
    live = 'new-token';

    assert.deepEqual(await Promise.all([session.run(call), session.run(call), session.run(call)]), ['ok', 'ok', 'ok']);
    assert.equal(refreshes, 1);
    assert.equal(source.saved.length, 1);
  });

  it('uses tokens another worker already stored when its own refresh grant is refused', async function () {
    const source = new MemoryCredentialSource(oauth('old-token'));
    const session = new CredentialSession({
      service: 'pipedrive',
      source,
      refresh: async () => {
        // Meanwhile another worker rotated the refresh token and saved its result.
        source.current = oauth('rotated-token', 'refresh-2');
        throw new ExternalServiceError({ service: 'pipedrive', kind: 'reconnect', status: 400, userMessage: 'Reconnect Pipedrive.' });
      },
    });
    await session.run(async () => 'warm up');

    assert.equal(await session.run(crmAccepting(() => 'rotated-token')), 'ok');
    assert.equal(source.saved.length, 0);
  });

  it('passes a 401 through as reconnect when there is nothing to refresh', async function () {
    const session = new CredentialSession({ service: 'crono', source: new MemoryCredentialSource({ type: 'apiKey', apiKey: 'key-123456', apiSecret: 'secret-123456' }) });

    await assert.rejects(session.run(async () => Promise.reject(errorFromHttpStatus('crono', 401))), { kind: 'reconnect' });
  });

  it('scrubs credential values a CRM echoed into an error', async function () {
    const session = new CredentialSession({ service: 'hubspot', source: new MemoryCredentialSource(oauth('secret-access-token')) });
    const echo = new ExternalServiceError({ service: 'hubspot', kind: 'invalid', status: 400, userMessage: 'HubSpot rejected the request.', detail: 'bad token secret-access-token' });

    await assert.rejects(session.run(async () => Promise.reject(echo)), (error: ExternalServiceError) => {
      assert.equal(error.detail, 'bad token [redacted]');
      assert.ok(!error.message.includes('secret-access-token'));
      return true;
    });
  });
});
