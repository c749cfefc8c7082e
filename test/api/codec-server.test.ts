import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { encryptedEncoding } from '../../runtime/payload-codec';
import { operatorToken, startProductHarness, type ProductHarness } from '../support/product-harness';

const uiOrigin = 'http://localhost:8233';
const base64 = (text: string) => Buffer.from(text).toString('base64');
const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

interface JsonPayloads {
  payloads: { metadata: Record<string, string>; data: string }[];
}

describe('codec server for the Temporal Web UI and CLI', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  const plain = (value: unknown) => {
    const payload = defaultPayloadConverter.toPayload(value);
    return { metadata: { encoding: base64(fromBytes(payload.metadata!.encoding!)) }, data: Buffer.from(payload.data!).toString('base64') };
  };
  const fromBytes = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
  const post = (direction: 'encode' | 'decode', body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${harness.apiUrl}/codec/${direction}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  const asOperator = { authorization: `Bearer ${operatorToken}` };

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
  });
  after(async () => harness?.close());

  it('encodes and decodes for the operator, in the codec server protocol', async () => {
    const encoded = await post('encode', { payloads: [plain({ signal: 'retry', by: 'operator' })] }, asOperator);
    assert.equal(encoded.status, 200);
    const encrypted = (await encoded.json()) as JsonPayloads;
    assert.equal(fromBase64(encrypted.payloads[0]!.metadata.encoding!), encryptedEncoding);
    assert.ok(!fromBase64(encrypted.payloads[0]!.data).includes('operator'));

    const decoded = await post('decode', encrypted, asOperator);
    assert.equal(decoded.status, 200);
    const payload = ((await decoded.json()) as JsonPayloads).payloads[0]!;
    assert.equal(fromBase64(payload.metadata.encoding!), 'json/plain');
    assert.deepEqual(JSON.parse(fromBase64(payload.data)), { signal: 'retry', by: 'operator' });
  });

  it('refuses anyone without the operator token with 401', async () => {
    assert.equal((await post('decode', { payloads: [] })).status, 401);
    assert.equal((await post('encode', { payloads: [] }, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post('decode', { payloads: [] }, { authorization: operatorToken })).status, 401, 'the scheme is required');
  });

  it('answers the Web UI’s preflight and allows only its origin, with credentials', async () => {
    const preflight = await fetch(`${harness.apiUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: uiOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), uiOrigin);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);

    const fromUi = await post('decode', { payloads: [] }, { origin: uiOrigin, ...asOperator });
    assert.equal(fromUi.status, 200);
    assert.equal(fromUi.headers.get('access-control-allow-origin'), uiOrigin);

    const elsewhere = 'https://evil.example';
    const foreignPreflight = await fetch(`${harness.apiUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: elsewhere, 'access-control-request-method': 'POST' } });
    assert.equal(foreignPreflight.status, 403);
    assert.equal(foreignPreflight.headers.get('access-control-allow-origin'), null);
    assert.equal((await post('decode', { payloads: [] }, { origin: elsewhere, ...asOperator })).status, 403);
  });

  it('lets an operator sign in once so the Web UI can send the session cookie instead of a token', async () => {
    const form = (token: string) =>
      fetch(`${harness.apiUrl}/codec/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` });
    const refused = await form('wrong');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('set-cookie'), null);

    const signedIn = await form(operatorToken);
    assert.equal(signedIn.status, 200);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /path=\/codec/i);
    assert.ok(!cookie.includes(operatorToken), 'the cookie is not the token itself');
    const session = cookie.split(';')[0]!;

    const withSession = await post('decode', { payloads: [] }, { origin: uiOrigin, cookie: session });
    assert.equal(withSession.status, 200);
    const forged = session.replace(/=(\d+)\./, (_match, expiry: string) => `=${Number(expiry) + 3600}.`);
    assert.equal((await post('decode', { payloads: [] }, { cookie: forged })).status, 401, 'a changed expiry invalidates the session');
  });

  it('explains malformed requests and payloads it cannot decrypt', async () => {
    assert.equal((await post('decode', { notPayloads: true }, asOperator)).status, 400);
    const foreignKey = { metadata: { encoding: base64(encryptedEncoding), 'encryption-key-id': base64('retired') }, data: base64('x'.repeat(40)) };
    const unknownKey = await post('decode', { payloads: [foreignKey] }, asOperator);
    assert.equal(unknownKey.status, 422);
    assert.match(((await unknownKey.json()) as { error: string }).error, /key "retired"/);
  });
});
