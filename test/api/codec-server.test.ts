import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MeetingState } from '../../domain/meeting';
import { encryptedEncoding } from '../../runtime/payload-codec';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { operatorToken, startProductHarness, type ProductHarness } from '../support/product-harness';
import { testStack } from '../support/test-stack';

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
    fetch(`${harness.operatorUrl}/codec/${direction}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  const asOperator = { authorization: `Bearer ${operatorToken}` };

  before(async () => {
    harness = await startProductHarness();
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

  it('is not served on the public, Slack-facing port', async () => {
    assert.equal((await fetch(`${harness.apiUrl}/codec/decode`, { method: 'POST', headers: asOperator, body: '{"payloads":[]}' })).status, 404);
    assert.equal((await fetch(`${harness.apiUrl}/codec/login`)).status, 404);
  });

  it('refuses anyone without the operator token with 401', async () => {
    assert.equal((await post('decode', { payloads: [] })).status, 401);
    assert.equal((await post('encode', { payloads: [] }, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post('decode', { payloads: [] }, { authorization: operatorToken })).status, 401, 'the scheme is required');
  });

  it('answers the Web UI’s preflight and allows only its origin, with credentials', async () => {
    const preflight = await fetch(`${harness.operatorUrl}/codec/decode`, {
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
    const foreignPreflight = await fetch(`${harness.operatorUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: elsewhere, 'access-control-request-method': 'POST' } });
    assert.equal(foreignPreflight.status, 403);
    assert.equal(foreignPreflight.headers.get('access-control-allow-origin'), null);
    assert.equal((await post('decode', { payloads: [] }, { origin: elsewhere, ...asOperator })).status, 403);
  });

  it('lets an operator sign in once so the Web UI can send the session cookie instead of a token', async () => {
    const form = (token: string) =>
      fetch(`${harness.operatorUrl}/codec/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` });
    const refused = await form('wrong');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('set-cookie'), null);

    const signedIn = await form(operatorToken);
    assert.equal(signedIn.status, 200);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /path=\/;/i);
    assert.ok(!cookie.includes(operatorToken), 'the cookie is not the token itself');
    const session = cookie.split(';')[0]!;

    const withSession = await post('decode', { payloads: [] }, { origin: uiOrigin, cookie: session });
    assert.equal(withSession.status, 200);
    const forged = session.replace(/=(\d+)\./, (_match, expiry: string) => `=${Number(expiry) + 3600}.`);
    assert.equal((await post('decode', { payloads: [] }, { cookie: forged })).status, 401, 'a changed expiry invalidates the session');
  });

  it('serves the sign-in page under a Content-Security-Policy that allows no script and no framing', async () => {
    const page = await fetch(`${harness.operatorUrl}/codec/login`);
    assert.equal(page.status, 200);
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(policy, /form-action 'self'/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(policy)?.[1];
    assert.ok(nonce && (await page.text()).includes(`<style nonce="${nonce}">`), 'the page’s one style sheet carries the policy’s nonce');
  });

  it('explains malformed requests and payloads it cannot decrypt', async () => {
    assert.equal((await post('decode', { payloads: 'not a list' }, asOperator)).status, 400);
    assert.equal((await post('decode', [{ metadata: {} }], asOperator)).status, 400);
    const foreignKey = { metadata: { encoding: base64(encryptedEncoding), 'encryption-key-id': base64('retired') }, data: base64('x'.repeat(40)) };
    const unknownKey = await post('decode', { payloads: [foreignKey] }, asOperator);
    assert.equal(unknownKey.status, 422);
    assert.match(((await unknownKey.json()) as { error: string }).error, /key "retired"/);
  });

  describe('through the real Temporal CLI', () => {
    const cli = (args: string[], options: { token?: string } = {}) =>
      new Promise<{ ok: boolean; output: string; elapsedMs: number }>((resolve) => {
        const stack = testStack();
        const started = Date.now();
        const codec = ['--codec-endpoint', `${harness.operatorUrl}/codec`, ...(options.token ? ['--codec-auth', `Bearer ${options.token}`] : [])];
        execFile(
          stack.temporalCliPath,
          [...args, '--address', stack.temporalAddress, '--namespace', 'default', ...codec],
          { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}`, elapsedMs: Date.now() - started }),
        );
      });
    let seeded: Awaited<ReturnType<ProductHarness['seedTenant']>>;
    let workflowId: string;

    before(async () => {
      seeded = await harness.seedTenant();
      ({ workflowId } = await prepareMeeting(harness, seeded));
    });

    it('shows the history decrypted', async () => {
      const shown = await cli(['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'], { token: operatorToken });
      assert.ok(shown.ok, shown.output);
      const events = (JSON.parse(shown.output) as { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[] }).events;
      const input = JSON.parse(fromBase64(events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!.data)) as { repSlackUserId: string };
      assert.equal(input.repSlackUserId, seeded.rep.slackUserId);
    });

    it('answers the status query (no arguments: the CLI sends `{}` to /encode)', async () => {
      const queried = await cli(['workflow', 'query', '--workflow-id', workflowId, '--type', 'status', '--output', 'json'], { token: operatorToken });
      assert.ok(queried.ok, queried.output);
      const result = JSON.parse(queried.output) as { queryResult: MeetingState[] };
      assert.equal(result.queryResult[0]!.actions.note.status, (await meetingState(harness, workflowId)).actions.note.status);
    });

    it('sends a signal whose input is encrypted on its way into the history', async () => {
      const signalled = await cli(['workflow', 'signal', '--workflow-id', workflowId, '--name', 'retry', '--input', '{"by":"operator"}'], { token: operatorToken });
      assert.ok(signalled.ok, signalled.output);
      const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
      const signal = history.events!.find((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'retry');
      const payload = signal!.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!;
      assert.equal(Buffer.from(payload.metadata!.encoding!).toString(), encryptedEncoding);
      assert.ok(!Buffer.from(payload.data!).toString().includes('operator'));
    });

    it('runs an update: its input encoded, its result decoded (an operator acts for nobody: the refusal)', async () => {
      const actor = { tenantId: seeded.tenant.id, slackUserId: seeded.rep.slackUserId, isAdmin: false };
      const updated = await cli(
        ['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'editTexts', '--input', JSON.stringify({ actor, summary: 'Corrected by an operator' })],
        { token: operatorToken },
      );
      assert.equal(updated.ok, false);
      assert.match(updated.output, /did not come from Slack through the app/);
    });

    it('without a token, tells the operator at once that the codec server wants one', async () => {
      for (const args of [
        ['workflow', 'query', '--workflow-id', workflowId, '--type', 'status'],
        ['workflow', 'signal', '--workflow-id', workflowId, '--name', 'retry', '--input', '{"by":"operator"}'],
      ]) {
        const refused = await cli(args);
        assert.equal(refused.ok, false);
        assert.match(refused.output, /Unauthorized: .*operator authentication required/);
        assert.ok(refused.elapsedMs < 5_000, `${args[1]} took ${refused.elapsedMs} ms`);
      }
    });

    it('without a token, `workflow show` and `workflow update` fail, show nothing decrypted and send nothing (the CLI retries the 401 until its deadline)', async () => {
      // The Go SDK retries codec failures on these two paths; only --command-timeout bounds the wait (README).
      const historyBefore = (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
      for (const args of [
        ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'],
        ['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'editTexts', '--input', '{"summary":"x"}'],
      ]) {
        const refused = await cli([...args, '--command-timeout', '3s']);
        assert.equal(refused.ok, false, refused.output);
        assert.match(refused.output, /deadline exceeded|interrupted|Unauthorized/);
        assert.ok(!refused.output.includes(seeded.rep.slackUserId), 'no decrypted payload in the output');
      }
      const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
      assert.ok(!history.events!.slice(historyBefore).some((event) => event.workflowExecutionUpdateAcceptedEventAttributes || event.workflowExecutionUpdateAdmittedEventAttributes), 'no update reached the workflow');
    });
  });
});
