import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../scripts/lib/processes';
import { operatorToken, startProductHarness, type ProductHarness } from '../support/product-harness';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

/**
 * The operator listener in front of a stand-in Web UI server: what reaches the UI server, what
 * comes back, and who gets through. The real UI in a browser: test/e2e/web-ui-operator.test.ts.
 */
describe('operator listener: the Temporal Web UI behind the operator sign-in', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let uiServer: Server;
  let uiUrl: string;
  const seen: SeenRequest[] = [];

  before(async () => {
    uiServer = createServer((request, response) => {
      let bodyBytes = 0;
      request.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, headers: request.headers, bodyBytes });
        if (request.url === '/redirect-home') {
          response.writeHead(302, { location: `${uiUrl}/namespaces/default/workflows?x=1` }).end();
        } else if (request.url === '/redirect-away') {
          response.writeHead(302, { location: 'https://sso.example/authorize' }).end();
        } else {
          response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': '_csrf=from-ui; Path=/' });
          response.end(JSON.stringify({ path: request.url, bodyBytes }));
        }
      });
    });
    await new Promise<void>((resolve) => uiServer.listen(0, '127.0.0.1', resolve));
    uiUrl = `http://127.0.0.1:${(uiServer.address() as AddressInfo).port}`;
    harness = await startProductHarness({ startWorker: false, env: { TEMPORAL_UI_URL: uiUrl } });
  });
  after(async () => {
    await harness?.close();
    await new Promise((resolve) => uiServer?.close(resolve));
  });

  const signIn = async (next?: string) =>
    fetch(`${harness.operatorUrl}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: operatorToken, ...(next === undefined ? {} : { next }) }).toString(),
      redirect: 'manual',
    });
  const sessionCookie = async () => ((await signIn()).headers.get('set-cookie') ?? '').split(';')[0]!;

  it('sends a browser without a session to the sign-in page, and back to its page after signing in', async () => {
    const page = await fetch(`${harness.operatorUrl}/namespaces/default/workflows?query=x`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(page.status, 302);
    const signInPage = page.headers.get('location')!;
    assert.equal(signInPage, `/codec/login?next=${encodeURIComponent('/namespaces/default/workflows?query=x')}`);
    const form = await (await fetch(`${harness.operatorUrl}${signInPage}`)).text();
    assert.match(form, /<input type="hidden" name="next" value="\/namespaces\/default\/workflows\?query=x">/);

    const signedIn = await signIn('/namespaces/default/workflows?query=x');
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/namespaces/default/workflows?query=x');
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /path=\/;/i);
    assert.match(cookie, /samesite=lax/i);
    assert.match(cookie, /httponly/i);
    assert.equal(seen.length, 0, 'nothing reached the UI server without a session');
  });

  it('after signing in without a page in mind, opens the Web UI; never another site', async () => {
    assert.equal((await signIn()).headers.get('location'), '/');
    for (const elsewhere of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
      assert.equal((await signIn(elsewhere)).headers.get('location'), '/', elsewhere);
    }
  });

  it('answers the UI’s API calls and scripts without a session with 401', async () => {
    assert.equal((await fetch(`${harness.operatorUrl}/api/v1/namespaces/default/workflows`)).status, 401);
    assert.equal((await fetch(`${harness.operatorUrl}/api/v1/settings`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal(seen.length, 0);
  });

  it('passes a signed-in operator’s requests through, without the operator’s credentials', async () => {
    const session = await sessionCookie();
    const response = await fetch(`${harness.operatorUrl}/api/v1/namespaces/default/workflows?query=CrmSyncStatus%3D%22failed%22`, {
      headers: { cookie: `_csrf=abc; ${session}` },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { path: '/api/v1/namespaces/default/workflows?query=CrmSyncStatus%3D%22failed%22', bodyBytes: 0 });
    assert.equal(response.headers.get('set-cookie'), '_csrf=from-ui; Path=/', 'the UI server’s own cookies reach the browser');
    const forwarded = seen.at(-1)!;
    assert.equal(forwarded.headers.cookie, '_csrf=abc', 'the operator session stays on the operator listener');
    assert.equal(forwarded.headers.host, new URL(uiUrl).host);

    const withToken = await fetch(`${harness.operatorUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${operatorToken}` } });
    assert.equal(withToken.status, 200);
    assert.equal(seen.at(-1)!.headers.authorization, undefined, 'the operator token never reaches the UI server');
  });

  it('streams request bodies through untouched, larger than the operator routes would read', async () => {
    const body = 'x'.repeat(600 * 1024);
    const response = await fetch(`${harness.operatorUrl}/api/v1/namespaces/default/workflows/w/signal`, {
      method: 'POST',
      headers: { cookie: await sessionCookie(), 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { bodyBytes: number }).bodyBytes, body.length);
  });

  it('keeps the UI server’s redirects on the operator listener', async () => {
    const cookie = await sessionCookie();
    const home = await fetch(`${harness.operatorUrl}/redirect-home`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(home.status, 302);
    assert.equal(home.headers.get('location'), '/namespaces/default/workflows?x=1');
    const away = await fetch(`${harness.operatorUrl}/redirect-away`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(away.headers.get('location'), 'https://sso.example/authorize');
  });

  it('never hands the operator routes to the UI server', async () => {
    const before = seen.length;
    const cookie = await sessionCookie();
    assert.equal((await fetch(`${harness.operatorUrl}/codec/unknown`, { headers: { cookie } })).status, 404);
    assert.equal((await fetch(`${harness.operatorUrl}/operator/unknown`, { headers: { cookie } })).status, 404);
    assert.equal(seen.length, before);
  });

  it('answers the codec endpoint from its own origin, the UI it serves', async () => {
    const decoded = await fetch(`${harness.operatorUrl}/codec/decode`, {
      method: 'POST',
      headers: { origin: harness.operatorUrl, cookie: await sessionCookie(), 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    assert.equal(decoded.status, 200);
  });

  it('says so when the UI server does not answer', async () => {
    const nothingThere = await startProductHarness({ startWorker: false, env: { TEMPORAL_UI_URL: `http://127.0.0.1:${await freePort()}` } });
    try {
      const response = await fetch(`${nothingThere.operatorUrl}/`, { headers: { authorization: `Bearer ${operatorToken}` } });
      assert.equal(response.status, 502);
    } finally {
      await nothingThere.close();
    }
  });
});
