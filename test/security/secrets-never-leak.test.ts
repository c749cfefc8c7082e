import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, User } from '../../entities';
import { encryptedEncoding } from '../../runtime/payload-codec';
import { cardActions } from '../../slack/action-ids';
import { cardText } from '../support/card';
import { meetingState, salesChannel } from '../support/meeting-flow';
import { operatorToken, signingSecret, startProductHarness, type ProductHarness } from '../support/product-harness';
import { testStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

type History = temporal.api.history.v1.IHistory;

/**
 * Every string and every byte field of the history (bytes read as UTF-8), walked by hand:
 * JSON.stringify would call the proto messages' toJSON and turn bytes into base64.
 */
function historyText(history: History): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (value instanceof Uint8Array) parts.push(Buffer.from(value).toString('utf8'));
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(history);
  return parts.join('\n');
}

function startedInput(history: History): temporal.api.common.v1.IPayload[] {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
}

/** A payload as the codec server protocol carries it (proto-JSON, bytes in base64). */
function toProtoJson(payload: temporal.api.common.v1.IPayload) {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

describe('secrets and personal data never leak into Temporal or logs', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  it('keeps transcript, tokens and keys out of workflow history and logs; only the operator can decode', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const meeting = harness.addFathomMeeting(seeded);
    const recordingId = String(meeting.recording_id);
    const workflowId = harness.workflowId(seeded, recordingId);

    await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    await waitFor('the card with Log to CRM', () => cardText(harness.emulators.slack, salesChannel).includes(cardActions.logNote));
    await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
    await waitFor('the Gmail draft', async () => (await meetingState(harness, workflowId)).actions.draft.status === 'done');
    // A failure whose message names the service: failure messages are encrypted too.
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'failed');

    const { rep, connection } = await inTenant(harness.orm, seeded.tenant.id, async (em) => ({
      rep: await em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId }),
      connection: await em.findOneOrFail(CrmConnection, { provider: 'hubspot' }),
    }));
    const fathom = JSON.parse((await harness.secrets.get(rep.fathomSecretRef!))!) as { apiKey: string };
    const google = JSON.parse((await harness.secrets.get(rep.googleSecretRef!))!) as { refreshToken: string };
    const crm = JSON.parse((await harness.secrets.get(connection.secretRef))!) as { accessToken: string; refreshToken: string };
    const secrets: Record<string, string> = {
      'Slack bot token': seeded.botToken,
      'Fathom API key': fathom.apiKey,
      'Google refresh token': google.refreshToken,
      'HubSpot access token': crm.accessToken,
      'HubSpot refresh token': crm.refreshToken,
      'Slack signing secret': signingSecret,
      'operator token': operatorToken,
    };
    const personal: Record<string, string> = {
      'meeting title': meeting.title,
      'attendee email': 'john.smith@client.com',
      ...Object.fromEntries((meeting.transcript ?? []).slice(0, 5).map((line, index) => [`transcript line ${index + 1}`, line.text])),
      'failure message': 'Reconnect HubSpot',
    };

    const handle = harness.client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const historyAsText = historyText(history);
    const logs = harness.logs.join('\n');
    assert.ok(historyAsText.includes(encryptedEncoding), 'the history holds encrypted payloads');
    for (const [what, value] of Object.entries({ ...secrets, ...personal })) {
      assert.ok(!historyAsText.includes(value), `${what} appears in the workflow history`);
    }
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(!logs.includes(value), `${what} appears in the logs`);
    }
    assert.ok(!logs.includes(personal['transcript line 1']!), 'the transcript appears in the logs');

    // The operator decodes the workflow input through the codec server; nobody else can.
    const payloads = startedInput(history);
    assert.equal(Buffer.from(payloads[0]!.metadata!.encoding!).toString(), encryptedEncoding);
    const decode = (headers: Record<string, string>) =>
      fetch(`${harness.operatorUrl}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ payloads: payloads.map(toProtoJson) }),
      });
    assert.equal((await decode({})).status, 401);
    assert.equal((await decode({ authorization: 'Bearer not-the-operator-token' })).status, 401);
    const decoded = await decode({ authorization: `Bearer ${operatorToken}` });
    assert.equal(decoded.status, 200);
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const input = defaultPayloadConverter.fromPayload<{ tenantId: string; recordingId: string }>({
      metadata: Object.fromEntries(Object.entries(body.payloads[0]!.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
      data: Buffer.from(body.payloads[0]!.data, 'base64'),
    });
    assert.equal(input.tenantId, seeded.tenant.id);
    assert.equal(input.recordingId, recordingId);

    // The Temporal CLI speaks the same codec protocol with the operator's Authorization header.
    const stack = testStack();
    const show = (codecArgs: string[]) =>
      promisify(execFile)(
        stack.temporalCliPath,
        ['workflow', 'show', '--address', stack.temporalAddress, '--namespace', 'default', '--workflow-id', workflowId, '--output', 'json', ...codecArgs],
        { maxBuffer: 64 * 1024 * 1024 },
      ).then(({ stdout }) => stdout);
    const cliInput = (output: string) => {
      const shown = JSON.parse(output) as { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { metadata: Record<string, string>; data: string }[] } } }[] };
      const payload = shown.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
      return { encoding: Buffer.from(payload.metadata.encoding!, 'base64').toString(), data: Buffer.from(payload.data, 'base64').toString() };
    };
    const withoutCodec = cliInput(await show([]));
    assert.equal(withoutCodec.encoding, encryptedEncoding);
    assert.ok(!withoutCodec.data.includes(seeded.rep.slackUserId), 'without the codec the CLI shows ciphertext');
    const shownToOperator = cliInput(await show(['--codec-endpoint', `${harness.operatorUrl}/codec`, '--codec-auth', `Bearer ${operatorToken}`]));
    assert.equal(shownToOperator.encoding, 'json/plain');
    assert.equal((JSON.parse(shownToOperator.data) as { repSlackUserId: string }).repSlackUserId, seeded.rep.slackUserId);
  });
});
