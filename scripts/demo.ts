// `npm run demo`: the whole product with no accounts anywhere. Starts the local stack (Temporal
// dev server + Web UI, embedded Postgres, worker, API) against the local emulators of Slack,
// Fathom, Claude, HubSpot and Google, then plays a rep: `/followup` for a recorded meeting, one
// click on "Log to CRM", and prints the Temporal Web UI link of the workflow and the CRM note.
// DEMO_EXIT=1 stops everything afterwards; otherwise it keeps running for exploring the UI.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { openOrm } from '../db/orm';
import { emulatorEnvironment, startLocalEmulators } from '../emulators';
import { sampleMeeting } from '../emulators/fathom-sample-meeting';
import { HubSpotEmulator } from '../emulators/hubspot-emulator';
import { emulatedSalesChannel, seedEmulatedWorkspace } from '../emulators/seed-workspace';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../emulators/slack-request-signer';
import { slackBotScopes } from '../clients/slack-oauth';
import { loadConfig } from '../runtime/config';
import { encryptedDataConverter, payloadCodecFor } from '../runtime/data-converter';
import { buildSecretStore } from '../wiring/services';
import { connectTemporalClient } from '../wiring/temporal-connection';
import { cardActions } from '../slack/action-ids';
import { meetingWorkflowId } from '../workflows/messages';
import { localSettings } from './lib/local-settings';
import { startLocalStack } from './start-local';

const repoRoot = path.resolve(__dirname, '..');
const demoApiKey = 'sk-ant-local-emulator';
const demoChannel = emulatedSalesChannel;

function say(message: string): void {
  console.log(`[demo] ${message}`);
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  const portBase = Number(process.env.DEMO_EMULATOR_PORT_BASE ?? 4100);
  const emulators = await startLocalEmulators({
    ports: { slack: portBase + 1, fathom: portBase + 2, anthropic: portBase + 3, google: portBase + 4 },
  });
  const hubspot = new HubSpotEmulator();
  await hubspot.start(portBase + 5);
  emulators.anthropic.registerApiKey(demoApiKey);
  say('local emulators are up (Slack, Fathom, Claude, Google, HubSpot); their answers are labelled as emulated');

  const appEnv = emulatorEnvironment({ emulators, hubspot, anthropicKey: demoApiKey });
  const stack = await startLocalStack(appEnv);
  try {
    const settings = await localSettings(path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? '.data'));
    const config = loadConfig({ ...process.env, ...settings, ...appEnv, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress });
    const orm = await openOrm(stack.databaseUrl);
    const secrets = buildSecretStore(config, orm);
    const workspace = await seedEmulatedWorkspace({
      orm,
      secrets,
      emulators: { ...emulators, hubspot },
      botScopes: slackBotScopes,
      teamId: 'T0DEMO',
      repSlackUserId: 'U0DEMOREP',
    });
    hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const meeting = emulators.fathom.addMeeting(sampleMeeting({ recording_id: Date.now() % 1_000_000_000 }));
    const recordingId = String(meeting.recording_id);
    say(`seeded workspace T0DEMO, rep U0DEMOREP and Fathom recording ${recordingId} (“${meeting.title}”)`);

    const post = async (route: string, body: string): Promise<Response> => {
      const { headers } = signSlackRequest({ signingSecret: settings.SLACK_SIGNING_SECRET!, body });
      return fetch(`${stack.apiUrl}${route}`, { method: 'POST', headers, body });
    };
    const command = await post(
      '/slack/commands',
      slashCommandBody({ command: '/followup', text: meeting.url, team_id: workspace.teamId, user_id: workspace.rep.slackUserId, channel_id: demoChannel, trigger_id: randomUUID() }),
    );
    say(`/followup ${meeting.url} → HTTP ${command.status}: ${((await command.json()) as { text: string }).text}`);

    const cardHasButton = () =>
      emulators.slack
        .messages(demoChannel)
        .some((message) => JSON.stringify(message.blocks ?? []).includes(cardActions.logNote));
    await waitFor('the follow-up card in Slack', cardHasButton, 120_000);
    say('the follow-up card was posted to Slack (summary, next steps, email draft, matched account: Client Inc)');

    const started = Date.now();
    const click = await post(
      '/slack/interactions',
      blockActionsBody({
        type: 'block_actions',
        team: { id: workspace.teamId },
        user: { id: workspace.rep.slackUserId, team_id: workspace.teamId },
        container: { type: 'message', channel_id: demoChannel },
        actions: [{ type: 'button', action_id: cardActions.logNote, block_id: 'followup_actions', value: recordingId }],
      }),
    );
    say(`clicked “Log to CRM” → HTTP ${click.status} in ${Date.now() - started} ms`);
    const note = await waitFor('the note in HubSpot', () => hubspot.notes()[0]);
    await waitFor('the card to show the note', () =>
      emulators.slack.messages(demoChannel).some((message) => /CRM note: /.test(JSON.stringify(message.blocks ?? []))),
    );

    const workflowId = meetingWorkflowId(workspace.tenant.id, recordingId);
    const temporal = await connectTemporalClient(config.temporal, encryptedDataConverter(payloadCodecFor(config.payloadCodec)));
    const { runId } = await temporal.workflow.getHandle(workflowId).describe();
    await temporal.connection.close();
    say('');
    say(`Temporal Web UI (workflow history): ${stack.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`);
    say('Its payloads are encrypted; an operator reads them through the operator listener (see above), e.g.:');
    say(`    temporal workflow show -w '${workflowId}' --codec-endpoint ${stack.operatorUrl}/codec --codec-auth "Bearer $CODEC_OPERATOR_TOKEN"`);
    say(`CRM note ${note.id} on HubSpot company ${note.companyIds.join(', ')}:`);
    for (const line of note.body.replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '').split('\n').slice(0, 12)) say(`    ${line}`);
    await orm.close();
  } catch (error) {
    await emulators.stop();
    await hubspot.stop();
    return stack.shutdown(1, `demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (process.env.DEMO_EXIT === '1') {
    await emulators.stop();
    await hubspot.stop();
    return stack.shutdown(0, 'demo finished');
  }
  say('');
  say('The stack keeps running so you can explore the Web UI; Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
  console.error('[demo] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
