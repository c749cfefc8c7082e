import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApiApp } from '../../api/app';
import type { ApiDependencies } from '../../api/http/dependencies';
import { createLogger } from '../../runtime/logger';

/** The public app, plus a last route that shows how it sees the caller. */
async function listenShowingCaller(trustProxy: boolean | undefined): Promise<Server> {
  const deps = { logger: createLogger({ write: () => undefined }), slack: { signingSecret: 'unused' }, maxBodyBytes: 1024, trustProxy } as unknown as ApiDependencies;
  const app = createApiApp(deps);
  app.use((ctx) => {
    ctx.body = { ip: ctx.ip, protocol: ctx.protocol, host: ctx.host };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

async function callerSeenBy(server: Server): Promise<{ ip: string; protocol: string; host: string }> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/caller`, {
    headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
  });
  return (await response.json()) as { ip: string; protocol: string; host: string };
}

describe('X-Forwarded-* on the public API', () => {
  let server: Server | undefined;
  afterEach(async () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('ignores forged forwarding headers by default', async () => {
    server = await listenShowingCaller(undefined);
    const caller = await callerSeenBy(server);
    assert.notEqual(caller.ip, '203.0.113.7');
    assert.equal(caller.protocol, 'http');
    assert.notEqual(caller.host, 'evil.example');
  });

  it('believes them when TRUST_PROXY says a proxy in front sets them', async () => {
    server = await listenShowingCaller(true);
    assert.deepEqual(await callerSeenBy(server), { ip: '203.0.113.7', protocol: 'https', host: 'evil.example' });
  });
});
