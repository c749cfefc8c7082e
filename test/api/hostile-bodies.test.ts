import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import fc from 'fast-check';
import { createApiApp } from '../../api/app';
import { MeetingGateway } from '../../api/meetings/meeting-gateway';
import { MeetingQuota } from '../../api/meetings/meeting-quota';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { signFathomWebhook } from '../../emulators/fathom-webhook-signer';
import { signSlackRequest } from '../../emulators/slack-request-signer';
import { payloadCodecFor } from '../../runtime/data-converter';
import { createLogger } from '../../runtime/logger';
import * as actionIds from '../../slack/action-ids';
import { hostileText } from '../fast/properties/hostile-text';
import { signingSecret, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { TenantDirectoryCache } from '../../db/tenant-directory-cache';
import { KnownUpdateOutcomes } from '../../api/meetings/known-update-outcomes';

/**
 * Random and hostile bodies, correctly signed, sent to the real Koa app: the Slack interaction
 * types (block_actions, view_submission, block_suggestion, shortcut), slash commands and Fathom
 * webhooks. Whatever they say, the app answers with a status it chose (never a 500) and nothing
 * reaches Temporal: its client here is a fake that records every call.
 */
describe('hostile bodies at the public API (property)', function () {
  this.timeout(180_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;
  let server: Server;
  let apiUrl: string;
  const temporalCalls: string[] = [];
  const logged: string[] = [];
  const runs = { numRuns: 60, seed: 16_3 };

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    seeded = await harness.seedTenant();
    const { config, orm, secrets } = harness;
    const logger = createLogger({ level: 'error', write: (line) => logged.push(line) });
    const gateway = new MeetingGateway(recordingTemporalClient(temporalCalls), { ackTimeoutMs: 2_500, quota: new MeetingQuota(orm), actorProofKey: config.actorProofKey, orm, updateOutcomes: new KnownUpdateOutcomes() });
    const app = createApiApp({
      orm,
      // Without its change feed the cache keeps nothing: every request reads the directory.
      tenants: new TenantDirectoryCache(orm),
      gateway,
      secrets,
      logger,
      slack: { signingSecret, apiUrl: config.slack.apiUrl, responseUrlOrigins: [harness.emulators.slack.url] },
      publicUrl: config.api.publicUrl,
      fathomApiUrl: config.fathom.apiUrl,
      maxBodyBytes: config.api.maxBodyBytes,
      payloadCodec: payloadCodecFor(config.payloadCodec, 'show'),
      operator: config.operator,
      health: async () => ({}),
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await harness?.close();
  });

  /** Any JSON value, hostile strings included, a few levels deep. */
  const jsonValue = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, hostileText(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(hostileText({ maxLength: 2 }), tie('value'), { maxKeys: 3 })),
  })).value;
  const allIds = Object.values(actionIds).flatMap((group) => collectStrings(group));
  const id = fc.oneof(fc.constantFrom(...allIds), hostileText({ maxLength: 3 }), jsonValue);
  const notARecordingId = fc.oneof(hostileText({ maxLength: 5 }).filter((text) => !/^\d/.test(text)), jsonValue);
  const stateValues = fc.dictionary(
    fc.oneof(fc.constantFrom(...allIds), hostileText({ maxLength: 2 })),
    fc.dictionary(fc.oneof(fc.constantFrom(...allIds), hostileText({ maxLength: 2 })), fc.oneof(jsonValue, fc.record({ value: jsonValue, selected_option: jsonValue, selected_date: jsonValue, selected_time: jsonValue }, { requiredKeys: [] }))),
    { maxKeys: 4 },
  );

  function interaction(): fc.Arbitrary<Record<string, unknown>> {
    return fc.record(
      {
        type: fc.oneof(fc.constantFrom('block_actions', 'view_submission', 'block_suggestion', 'shortcut', 'message_action', 'view_closed'), jsonValue),
        team: fc.oneof(fc.constant({ id: seeded.teamId }), jsonValue),
        user: fc.oneof(fc.constant({ id: seeded.rep.slackUserId, team_id: seeded.teamId }), fc.record({ id: hostileText({ maxLength: 2 }), team_id: fc.constant(seeded.teamId) }), jsonValue),
        trigger_id: jsonValue,
        response_url: fc.oneof(fc.constant(`${harness.emulators.slack.url}/hooks/1`), fc.webUrl(), jsonValue),
        container: jsonValue,
        actions: fc.oneof(fc.array(fc.record({ action_id: id, block_id: fc.oneof(notARecordingId, notARecordingId.map((text) => `account:${typeof text === 'string' ? text : JSON.stringify(text)}`)), value: notARecordingId, selected_option: jsonValue }, { requiredKeys: [] }), { maxLength: 2 }), jsonValue),
        view: fc.oneof(fc.record({ id: jsonValue, hash: jsonValue, callback_id: id, private_metadata: notARecordingId, state: fc.oneof(fc.record({ values: stateValues }), jsonValue) }, { requiredKeys: [] }), jsonValue),
        action_id: id,
        block_id: notARecordingId,
        value: jsonValue,
        callback_id: id,
      },
      { requiredKeys: ['type', 'team', 'user'] },
    );
  }

  async function post(path: string, body: string, contentType = 'application/x-www-form-urlencoded'): Promise<Response> {
    const signed = signSlackRequest({ signingSecret, body });
    return fetch(`${apiUrl}${path}`, { method: 'POST', headers: { ...signed.headers, 'content-type': contentType }, body });
  }

  function assertRefusedCleanly(response: Response, text: string): void {
    // First: the fake client answers nothing sensible, so reaching it may also end in a 500.
    assert.deepEqual(temporalCalls, [], 'nothing reaches Temporal');
    assert.ok(response.status < 500, `answered ${response.status}: ${text.slice(0, 200)}\n${logged.slice(-3).join('\n').slice(0, 2000)}`);
  }

  it('interactions of every type: never a 500, nothing reaches Temporal', async () => {
    const click = (action: Record<string, unknown>) => ({ type: 'block_actions', team: { id: seeded.teamId }, user: { id: seeded.rep.slackUserId, team_id: seeded.teamId }, actions: [action] });
    await fc.assert(
      fc.asyncProperty(interaction(), async (payload) => {
        const response = await post('/slack/interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
        assertRefusedCleanly(response, await response.text());
      }),
      {
        ...runs,
        // Counterexamples found before: a non-string action id (a 500), then a click, a modal and
        // an options load naming no recording (each reached Temporal with a made-up workflow id).
        examples: [
          [click({ action_id: 0 })],
          [click({ action_id: actionIds.cardActions.logNote, value: '<!channel>' })], [click({ action_id: actionIds.cardActions.chooseAccount, block_id: 'account:x', selected_option: { value: 'a' } })],
          [{ ...click({}), actions: undefined, type: 'view_submission', view: { id: 'V1', callback_id: actionIds.modalCallbacks.editTexts, private_metadata: '../x', state: { values: {} } } }],
          [{ ...click({}), actions: undefined, type: 'block_suggestion', action_id: actionIds.cardActions.searchAccount, block_id: 'account:<!here>', value: 'acme' }],
        ],
      },
    );
  });

  it('interaction bodies that are not a payload at all: a 400, nothing reaches Temporal', async () => {
    const body = fc.oneof(hostileText(), fc.string({ unit: 'binary' }), jsonValue.map((value) => `payload=${encodeURIComponent(JSON.stringify(value) ?? '')}`));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', ''), async (text, contentType) => {
        const response = await post('/slack/interactions', text, contentType);
        assertRefusedCleanly(response, await response.text());
        assert.notEqual(response.status, 200);
      }),
      runs,
    );
  });

  it('slash commands with any text and fields: never a 500, nothing reaches Temporal', async () => {
    const command = fc.record(
      {
        command: fc.oneof(fc.constant('/followup'), hostileText({ maxLength: 2 })),
        text: fc.oneof(notARecordingId.map((text) => (typeof text === 'string' ? text : JSON.stringify(text) ?? '')), fc.constantFrom('help', ' --force', 'https://fathom.video/calls/', 'https://evil.example/calls/123'), hostileText()),
        team_id: fc.oneof(fc.constant(seeded.teamId), hostileText({ maxLength: 2 })),
        user_id: fc.oneof(fc.constant(seeded.rep.slackUserId), hostileText({ maxLength: 2 })),
        channel_id: hostileText({ maxLength: 2 }),
        response_url: hostileText({ maxLength: 2 }),
        enterprise_id: hostileText({ maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(command, async (fields) => {
        const response = await post('/slack/commands', new URLSearchParams(fields).toString());
        assertRefusedCleanly(response, await response.text());
      }),
      runs,
    );
  });

  it('Fathom webhooks with any JSON, signed with the rep’s secret: a 400, nothing reaches Temporal', async () => {
    const meeting = sampleMeeting();
    const body = fc.oneof(
      hostileText(),
      jsonValue.map((value) => JSON.stringify(value) ?? ''),
      // A meeting with one field replaced by anything: the recording id, its title, its attendees...
      fc.tuple(fc.constantFrom(...Object.keys(meeting)), jsonValue).map(([key, value]) => JSON.stringify({ ...meeting, [key]: value, recording_id: key === 'recording_id' ? value : 'not-a-number' })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const signed = signFathomWebhook({ secret: seeded.rep.fathomWebhookSecret, body: text });
        const response = await fetch(`${apiUrl}/webhooks/fathom/${seeded.rep.userId}`, { method: 'POST', headers: signed.headers, body: text });
        const answer = await response.text();
        assertRefusedCleanly(response, answer);
        assert.equal(response.status, 400, answer);
      }),
      runs,
    );
  });
});

/** Every string in a nested object of ids. */
function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(collectStrings);
  return [];
}

/** A Temporal client whose every method call is recorded (and fails): reaching it at all is the finding. */
function recordingTemporalClient(calls: string[]): Client {
  const at = (path: string): unknown =>
    new Proxy(function temporal() {}, {
      get: (_target, property) => (property === 'then' ? undefined : at(`${path}.${String(property)}`)),
      apply: (_target, _this, args: unknown[]) => {
        calls.push(`${path}(${JSON.stringify(args).slice(0, 200)})`);
        return Promise.reject(new Error(`Temporal reached: ${path}`));
      },
    });
  return at('client') as Client;
}
