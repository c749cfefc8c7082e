import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebClient } from '@slack/web-api';
import { TenantSlackClients } from '../../../activities/tenant-slack-clients';
import { callSlack, createSlackClient } from '../../../clients/slack-client';

const ref = 'tenants/T1/slack/bot-token';

/** A secret store holding one bot token per name, counting reads. */
function storeWith(tokens: Record<string, string | null>) {
  const store = {
    reads: 0,
    get: async (name: string) => {
      store.reads += 1;
      return tokens[name] ?? null;
    },
  };
  return store;
}

function clientsOver(store: ReturnType<typeof storeWith>, options: { ttlMs?: number; now?: () => number } = {}) {
  const built: string[] = [];
  const clients = new TenantSlackClients(
    store,
    (token) => {
      built.push(token);
      return { token } as unknown as WebClient;
    },
    { ttlMs: options.ttlMs ?? 60_000, maxTenants: 10, now: options.now },
  );
  return { clients, built };
}

describe('TenantSlackClients: the worker reuses a workspace’s Slack client only while its token is current', () => {
  it('reads the token once while the change feed is live, and every time while it is not', async () => {
    const store = storeWith({ [ref]: 'xoxb-1' });
    const { clients, built } = clientsOver(store);
    await clients.clientFor('T1', ref);
    await clients.clientFor('T1', ref);
    assert.equal(store.reads, 2, 'no feed yet: notices could be missed, so nothing is kept');

    clients.liveChanged(true);
    const first = await clients.clientFor('T1', ref);
    const second = await clients.clientFor('T1', ref);
    assert.equal(store.reads, 3);
    assert.equal(first, second);
    assert.deepEqual(built, ['xoxb-1', 'xoxb-1', 'xoxb-1']);

    clients.liveChanged(false);
    await clients.clientFor('T1', ref);
    assert.equal(store.reads, 4, 'the feed went down: what was kept is dropped');
  });

  it('never uses a token longer than its configured time-to-live', async () => {
    let now = 0;
    const tokens: Record<string, string> = { [ref]: 'xoxb-1' };
    const store = storeWith(tokens);
    const { clients, built } = clientsOver(store, { ttlMs: 1_000, now: () => now });
    clients.liveChanged(true);
    await clients.clientFor('T1', ref);
    tokens[ref] = 'xoxb-rotated'; // a change no notice announced
    now = 999;
    await clients.clientFor('T1', ref);
    assert.deepEqual(built, ['xoxb-1']);
    now = 1_000;
    await clients.clientFor('T1', ref);
    assert.deepEqual(built, ['xoxb-1', 'xoxb-rotated']);
    assert.equal(store.reads, 2);
  });

  it('reads the token again after a change to the tenant (install, reinstall, uninstall)', async () => {
    const tokens: Record<string, string | null> = { [ref]: 'xoxb-1' };
    const store = storeWith(tokens);
    const { clients } = clientsOver(store);
    clients.liveChanged(true);
    await clients.clientFor('T1', ref);
    tokens[ref] = null; // uninstalled: the token was deleted and the tenant row changed
    clients.changed('T1');
    assert.equal(await clients.clientFor('T1', ref), null);
    assert.equal(clients.cached('T1'), undefined);
  });

  it('keeps nothing read while a change was announced', async () => {
    const store = storeWith({ [ref]: 'xoxb-1' });
    const { clients } = clientsOver(store);
    clients.liveChanged(true);
    const slowGet = store.get;
    store.get = async (name) => {
      const token = await slowGet(name);
      clients.changed('T1'); // the notice arrives while the read is in flight
      return token;
    };
    await clients.clientFor('T1', ref);
    assert.equal(clients.cached('T1'), undefined);
  });

  describe('when Slack refuses the token', () => {
    let server: Server;
    let apiUrl: string;
    before(async () => {
      server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: false, error: 'token_revoked' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('drops the client, so the next attempt reads the token again', async () => {
      const store = storeWith({ [ref]: 'xoxb-revoked' });
      const clients = new TenantSlackClients(store, (token, onTokenRefused) => createSlackClient({ token, apiUrl, onTokenRefused }), { ttlMs: 60_000, maxTenants: 10 });
      clients.liveChanged(true);
      const slack = (await clients.clientFor('T1', ref))!;
      assert.equal(clients.cached('T1'), slack);
      await assert.rejects(
        callSlack(() => slack.chat.postMessage({ channel: 'C1', text: 'hi' })),
        (error: Error & { kind?: string }) => error.kind === 'reconnect',
      );
      assert.equal(clients.cached('T1'), undefined);
      await clients.clientFor('T1', ref);
      assert.equal(store.reads, 2);
    });
  });
});
