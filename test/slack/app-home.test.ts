import assert from 'node:assert/strict';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import type { SlackView } from '../../emulators/slack-emulator';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, CrmConnection, Tenant, User } from '../../entities';
import { homeActions, settingsModal } from '../../slack/action-ids';
import { prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { homeOpened, postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('App Home: recent meetings, connections, and settings for admins', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    seeded = await harness.seedTenant();
  });
  after(async () => harness?.close());

  const slack = () => harness.emulators.slack;
  const fields = settingsModal.fields;

  /** Opens the Home tab as Slack does and returns the view it published. */
  async function openHome(userId: string): Promise<string> {
    const before = slack().homeViews(userId).length;
    assert.equal((await postSlackEvent(harness, seeded.teamId, homeOpened(userId))).status, 200);
    const views = await waitFor('the Home tab', () => (slack().homeViews(userId).length > before ? slack().homeViews(userId) : null));
    return JSON.stringify(views.at(-1)!.blocks);
  }

  function interact(payload: Record<string, unknown>): Promise<Response> {
    return harness.postSigned(
      '/slack/interactions',
      blockActionsBody({ team: { id: seeded.teamId }, enterprise: null, is_enterprise_install: false, user: { id: seeded.rep.slackUserId, team_id: seeded.teamId }, ...payload }),
    );
  }

  type Values = Record<string, Record<string, { value?: string; selected_option?: { value: string } }>>;
  function submitSettings(values: Values): Promise<Response> {
    return interact({ type: 'view_submission', view: { id: 'V0SETTINGS', callback_id: settingsModal.callback, state: { values } } });
  }

  function settingsValues(overrides: Partial<Record<keyof typeof fields, string>>, crmConnectionId: string): Values {
    const entry = { language: 'en', tone: 'professional', autoLogPolicy: 'never', nudgeAfterHours: '24', expireAfterDays: '7', defaultCrm: crmConnectionId, ...overrides };
    const select = (value: string) => ({ selected_option: { value } });
    return {
      [fields.language.block]: { [fields.language.action]: { value: entry.language } },
      [fields.tone.block]: { [fields.tone.action]: select(entry.tone) },
      [fields.autoLogPolicy.block]: { [fields.autoLogPolicy.action]: select(entry.autoLogPolicy) },
      [fields.nudgeAfterHours.block]: { [fields.nudgeAfterHours.action]: { value: entry.nudgeAfterHours } },
      [fields.expireAfterDays.block]: { [fields.expireAfterDays.action]: { value: entry.expireAfterDays } },
      [fields.defaultCrm.block]: { [fields.defaultCrm.action]: select(entry.defaultCrm) },
    };
  }

  const setRole = (role: 'admin' | 'member') =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId })).role = role;
    });
  const tenantSettings = async () => (await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(Tenant, { id: seeded.tenant.id }))).settings;

  it('shows the rep’s recent meetings with their status, and what is connected', async () => {
    await prepareMeeting(harness, seeded);
    const home = await openHome(seeded.rep.slackUserId);
    assert.match(home, /Acme × Client Inc — discovery call/);
    assert.match(home, /Waiting for you/, 'the status comes from the workflow');
    assert.match(home, /<!date\^\d+\^\{date_short_pretty\} \{time\}\|/, 'the date shows in the viewer’s own time zone');
    assert.match(home, /\*Fathom\*: ✅ connected/);
    assert.match(home, /\*Google \(Gmail & Calendar\)\*: ✅ connected/);
    assert.match(home, /\*HubSpot\* \(default CRM\): ✅ connected/);
    assert.match(home, /Reconnect Fathom/, 'connected accounts can be reconnected from here');
    assert.match(home, /Your workspace admin connects the CRM/);
    assert.doesNotMatch(home, /Connect HubSpot|Reconnect HubSpot/, 'CRM connections are for admins');
    assert.doesNotMatch(home, /Workspace settings/, 'a rep who is not an admin sees no settings');
    assert.doesNotMatch(home, new RegExp(homeActions.editSettings));
  });

  it('says honestly what is missing or broken', async () => {
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const connection = await em.findOneOrFail(CrmConnection, { provider: 'hubspot' });
      connection.health = 'needs-reconnect';
      connection.lastError = 'HubSpot refused the refresh token.';
    });
    const stranger = await openHome('U0NEWCOMER');
    assert.match(stranger, /No follow-ups yet/);
    assert.match(stranger, /\*Fathom\*: ❌ not connected/);
    assert.match(stranger, /\*Google \(Gmail & Calendar\)\*: ❌ not connected/);
    assert.match(stranger, /\*HubSpot\* \(default CRM\): ⚠️ needs reconnecting: HubSpot refused the refresh token\./);
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(CrmConnection, { provider: 'hubspot' })).health = 'ok';
    });
  });

  it('lets an admin edit the workspace settings: field errors keep the modal open, a valid save is applied and audited', async () => {
    await setRole('admin');
    const home = await openHome(seeded.rep.slackUserId);
    assert.match(home, /Workspace settings/);
    assert.match(home, /"action_id":"home\.edit_settings"/);
    assert.ok(home.includes(`"url":"${harness.config.api.publicUrl}/slack/install"`), 'admins can reinstall the app from Home');

    const click = await interact({
      type: 'block_actions',
      trigger_id: slack().issueTriggerId(),
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
      actions: [{ type: 'button', action_id: homeActions.editSettings, block_id: 'home_admin', value: 'settings' }],
    });
    assert.equal(click.status, 200);
    const modal = await waitFor('the settings modal', () => slack().views().find((view: SlackView) => view.callback_id === settingsModal.callback));
    assert.match(JSON.stringify(modal.blocks), /"initial_value":"auto"/, 'the modal starts from the current settings');

    const connection = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(CrmConnection, { provider: 'hubspot' }));
    const invalid = await submitSettings(settingsValues({ language: 'english', nudgeAfterHours: '500', expireAfterDays: '0', defaultCrm: 'not-a-connection' }, connection.id));
    assert.equal(invalid.status, 200);
    const rejected = (await invalid.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(rejected.response_action, 'errors');
    assert.deepEqual(Object.keys(rejected.errors).sort(), [fields.defaultCrm.block, fields.expireAfterDays.block, fields.language.block, fields.nudgeAfterHours.block].sort());
    assert.match(rejected.errors[fields.language.block]!, /two-letter/);

    const crossField = await submitSettings(settingsValues({ nudgeAfterHours: '72', expireAfterDays: '2' }, connection.id));
    const crossErrors = ((await crossField.json()) as { errors: Record<string, string> }).errors;
    assert.match(crossErrors[fields.nudgeAfterHours.block]!, /before the follow-up closes \(48 hours\)/);
    assert.equal((await tenantSettings()).language, 'auto', 'nothing was saved while the form had errors');

    const homesBefore = slack().homeViews(seeded.rep.slackUserId).length;
    const valid = await submitSettings(
      settingsValues({ language: 'IT', tone: 'friendly', autoLogPolicy: 'when-confident', nudgeAfterHours: '48', expireAfterDays: '10' }, connection.id),
    );
    assert.equal(valid.status, 200);
    assert.equal(await valid.text(), '', 'an empty answer closes the modal');
    const saved = await tenantSettings();
    assert.deepEqual(
      { language: saved.language, tone: saved.tone, autoLogPolicy: saved.autoLogPolicy, nudgeAfterHours: saved.nudgeAfterHours, expireAfterDays: saved.expireAfterDays, defaultCrm: saved.defaultCrm },
      { language: 'it', tone: 'friendly', autoLogPolicy: 'when-confident', nudgeAfterHours: 48, expireAfterDays: 10, defaultCrm: 'hubspot' },
    );
    const audit = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { action: 'settings.changed' }));
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, seeded.rep.slackUserId);
    assert.deepEqual(audit[0]!.detail.changes, {
      language: { from: 'auto', to: 'it' },
      tone: { from: 'professional', to: 'friendly' },
      autoLogPolicy: { from: 'never', to: 'when-confident' },
      nudgeAfterHours: { from: 24, to: 48 },
      expireAfterDays: { from: 7, to: 10 },
      defaultCrm: { from: null, to: 'hubspot' },
    });

    const republished = await waitFor('the Home tab republished', () => slack().homeViews(seeded.rep.slackUserId).length > homesBefore);
    assert.ok(republished);
    const updatedHome = JSON.stringify(slack().homeViews(seeded.rep.slackUserId).at(-1)!.blocks);
    assert.match(updatedHome, /\*Tone\*\\nFriendly/);
    assert.match(updatedHome, /\*Reminder after\*\\n48 hours/);
  });

  it('refuses settings from someone who is not an admin', async () => {
    await setRole('member');
    const connection = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(CrmConnection, { provider: 'hubspot' }));
    const response = await submitSettings(settingsValues({ tone: 'concise' }, connection.id));
    const answer = (await response.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(answer.response_action, 'errors');
    assert.match(Object.values(answer.errors)[0]!, /Only workspace admins/);
    assert.equal((await tenantSettings()).tone, 'friendly');
  });
});
