import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant } from '../../db/tenant-scope';
import { User } from '../../entities';
import type { SlackView } from '../../emulators/slack-emulator';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { secretNames } from '../../secrets/secret-store';
import { meetingPicker } from '../../slack/action-ids';
import { statusQuery } from '../../workflows/messages';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const hour = 60 * 60 * 1000;
const day = 24 * hour;

interface PickerOption {
  text: { text: string };
  value: string;
}

describe('/followup without a link: the meeting picker', function () {
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

  /** A Fathom meeting recorded by `email` that ended `ago` ms ago. */
  function recordedMeeting(ago: number, overrides: { title?: string; email?: string; minutes?: number } = {}) {
    const end = Date.now() - ago;
    const start = end - (overrides.minutes ?? 45) * 60_000;
    const email = overrides.email ?? seeded.rep.email;
    return harness.addFathomMeeting(seeded, {
      title: overrides.title ?? `Call ${randomUUID().slice(0, 6)}`,
      recording_start_time: new Date(start).toISOString(),
      recording_end_time: new Date(end).toISOString(),
      created_at: new Date(end + 60_000).toISOString(),
      recorded_by: { name: 'Rep', email, email_domain: email.split('@')[1]!, team: 'Sales' },
    });
  }

  /** Runs `/followup` and returns the picker modal once it has been filled in. */
  async function openPicker(userId = seeded.rep.slackUserId): Promise<SlackView> {
    const viewsBefore = new Set(slack().views().map((view) => view.id));
    const started = Date.now();
    const response = await harness.slashCommand(seeded, '', { userId });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '', 'Slack gets an empty acknowledgement at once');
    assert.ok(Date.now() - started < 3000);
    return waitFor('the filled-in picker', () =>
      slack()
        .views()
        .find((view) => !viewsBefore.has(view.id) && !JSON.stringify(view.blocks).includes('Loading your recent meetings')),
    );
  }

  function options(view: SlackView): PickerOption[] {
    const input = (view.blocks as { block_id?: string; element?: { options?: PickerOption[] } }[]).find((block) => block.block_id === meetingPicker.block);
    return input?.element?.options ?? [];
  }

  function olderButton(view: SlackView): { action_id: string; value: string } | undefined {
    const blocks = view.blocks as { elements?: { action_id: string; value: string }[] }[];
    return blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === meetingPicker.older);
  }

  /** Clicks "Older meetings" in `view` and returns the view once Slack shows the older list. */
  async function clickOlder(view: SlackView, userId = seeded.rep.slackUserId): Promise<SlackView> {
    const button = olderButton(view);
    assert.ok(button, 'the picker offers "Older meetings"');
    const response = await harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'block_actions',
        team: { id: seeded.teamId },
        user: { id: userId, team_id: seeded.teamId },
        view: { id: view.id, hash: view.hash, callback_id: meetingPicker.callback },
        actions: [{ type: 'button', action_id: button.action_id, block_id: meetingPicker.older, value: button.value }],
      }),
    );
    assert.equal(response.status, 200);
    return waitFor('the older meetings', () => slack().views().find((shown) => shown.id === view.id && shown.hash !== view.hash));
  }

  function submit(recordingId: string | undefined): Promise<Response> {
    const values = recordingId ? { [meetingPicker.block]: { [meetingPicker.action]: { selected_option: { value: recordingId } } } } : {};
    return harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'view_submission',
        team: { id: seeded.teamId },
        user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
        view: { id: 'V0PICKER', callback_id: meetingPicker.callback, state: { values } },
      }),
    );
  }

  it('opens a loading modal first, then lists the rep’s meetings of the last 14 days, newest first', async () => {
    const lastWeek = recordedMeeting(6 * day, { title: 'Pilot review with Client Inc', minutes: 30 });
    const today = recordedMeeting(2 * hour, { title: 'Discovery call' });
    const longTitle = recordedMeeting(3 * day, { title: `Quarterly business review ${'with a very long agenda '.repeat(8)}`, minutes: 90 });
    const tooOld = recordedMeeting(20 * day, { title: 'Kick-off from last month' });
    const someoneElse = recordedMeeting(1 * day, { title: 'Not my meeting', email: 'bob@acme.com' });

    const picker = await openPicker();
    const opened = slack().calls('views.open').at(-1)!;
    assert.match(JSON.stringify(opened.view), /Loading your recent meetings…/, 'the first thing Slack sees is the loading modal');
    const paths = slack().requests.map((request) => request.path);
    const openedAt = paths.lastIndexOf('/api/views.open');
    const updatedAt = paths.findIndex((path, index) => index > openedAt && path === '/api/views.update');
    assert.ok(openedAt >= 0 && updatedAt > openedAt, 'views.open came before views.update');

    const listed = options(picker);
    assert.deepEqual(
      listed.map((option) => option.value),
      [today, longTitle, lastWeek].map((meeting) => String(meeting.recording_id)),
      'newest first; older than 14 days and other people’s meetings left out',
    );
    assert.ok(!listed.some((option) => [tooOld.recording_id, someoneElse.recording_id].map(String).includes(option.value)));
    for (const option of listed) assert.ok(option.text.text.length <= 75, `option text within 75 characters: ${option.text.text}`);
    const longOption = listed[1]!.text.text;
    assert.match(longOption, /…/, 'a long title is shortened');
    assert.match(longOption, /\(90 min\)$/, 'the duration still shows');
    assert.match(listed[2]!.text.text, /^\w{3} \d{1,2} \w{3}, \d{2}:\d{2} · Pilot review with Client Inc \(30 min\)$/);
    // The seeded rep's row has no zone; Slack's users.info says Europe/Rome.
    const inRome = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    assert.ok(listed[0]!.text.text.startsWith(`${inRome.format(new Date(today.recording_start_time))} · `), `${listed[0]!.text.text} is on the rep’s Rome wall clock`);
  });

  it('starts the chosen meeting’s workflow on submit and closes the modal; the card arrives in the rep’s DM', async () => {
    const meeting = recordedMeeting(hour, { title: 'Demo for Client Inc' });
    const picker = await openPicker();
    assert.ok(options(picker).some((option) => option.value === String(meeting.recording_id)));

    const missing = await submit(undefined);
    assert.deepEqual(await missing.json(), { response_action: 'errors', errors: { [meetingPicker.block]: 'Choose one of your meetings.' } });

    const response = await submit(String(meeting.recording_id));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '', 'an empty answer closes the modal');
    const workflowId = harness.workflowId(seeded, meeting.recording_id);
    const state = await harness.client.workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(state.repSlackUserId, seeded.rep.slackUserId);
    const dm = slack().directMessageChannel(seeded.rep.slackUserId);
    await waitFor('the card in the rep’s DM', () => slack().messages(dm).some((message) => JSON.stringify(message.blocks ?? []).includes('Demo for Client Inc')));
  });

  it('tells a rep without Fathom to connect it in the Home tab', async () => {
    const picker = await openPicker('U0NOFATHOM');
    assert.match(JSON.stringify(picker.blocks), /Connect Fathom in the app’s Home tab/);
    assert.equal(picker.submit, undefined, 'nothing to submit');
  });

  it('offers at most 100 meetings', async () => {
    const email = 'busy.rep@acme.com';
    const apiKey = `fathom-busy-${randomUUID()}`;
    harness.emulators.fathom.registerApiKey(apiKey, email);
    slack().addUser({ id: 'U0BUSYREP', teamId: seeded.teamId, name: 'busy', tz: 'America/New_York' });
    const busyRep = await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const user = Object.assign(new User(), { tenantId: seeded.tenant.id, slackUserId: 'U0BUSYREP', email });
      user.fathomSecretRef = secretNames.userFathom(seeded.tenant.id, user.id);
      em.persist(user);
      return user;
    });
    await harness.secrets.put(busyRep.fathomSecretRef!, JSON.stringify({ type: 'apiKey', apiKey }));
    for (let index = 0; index < 120; index += 1) recordedMeeting((index + 1) * 2 * hour, { email, title: `Call number ${index + 1}` });

    const picker = await openPicker('U0BUSYREP');
    const listed = options(picker);
    assert.equal(listed.length, 100);
    assert.match(listed[0]!.text.text, /Call number 1 \(45 min\)$/, 'the newest meeting comes first');
    assert.match(JSON.stringify(picker.blocks), /Your newest 100 Fathom meetings of the last 14 days/);

    const older = await clickOlder(picker, 'U0BUSYREP');
    assert.deepEqual(
      options(older).map((option) => option.text.text.replace(/^.* · /, '')),
      Array.from({ length: 20 }, (_, index) => `Call number ${index + 101} (45 min)`),
      'the next page starts where the first one ended, newest first',
    );
    assert.match(JSON.stringify(older.blocks), /Your Fathom meetings before /);
    assert.equal(olderButton(older), undefined, 'a page that is not full is the end');
  });

  it('pages back past the last 14 days with "Older meetings"', async () => {
    const email = 'quiet.rep@acme.com';
    const apiKey = `fathom-quiet-${randomUUID()}`;
    harness.emulators.fathom.registerApiKey(apiKey, email);
    slack().addUser({ id: 'U0QUIETREP', teamId: seeded.teamId, name: 'quiet', tz: 'Europe/Rome' });
    const quietRep = await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const user = Object.assign(new User(), { tenantId: seeded.tenant.id, slackUserId: 'U0QUIETREP', email });
      user.fathomSecretRef = secretNames.userFathom(seeded.tenant.id, user.id);
      em.persist(user);
      return user;
    });
    await harness.secrets.put(quietRep.fathomSecretRef!, JSON.stringify({ type: 'apiKey', apiKey }));
    const lastMonth = recordedMeeting(30 * day, { email, title: 'Kick-off last month' });

    const picker = await openPicker('U0QUIETREP');
    assert.match(JSON.stringify(picker.blocks), /no Fathom meetings from the last 14 days/);
    const older = await clickOlder(picker, 'U0QUIETREP');
    assert.deepEqual(options(older).map((option) => option.value), [String(lastMonth.recording_id)]);

    const response = await harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'view_submission',
        team: { id: seeded.teamId },
        user: { id: 'U0QUIETREP', team_id: seeded.teamId },
        view: { id: older.id, callback_id: meetingPicker.callback, state: { values: { [meetingPicker.block]: { [meetingPicker.action]: { selected_option: { value: String(lastMonth.recording_id) } } } } } },
      }),
    );
    assert.equal(await response.text(), '', 'a meeting from an older page is prepared like any other');
  });

  it('falls back to a message when the trigger id expired before the modal could open', async () => {
    slack().triggerIdLifetimeMs = -1;
    try {
      const postsBefore = slack().responseUrlPosts().length;
      const response = await harness.slashCommand(seeded, '');
      assert.equal(response.status, 200);
      const post = await waitFor('the ephemeral fallback', () => slack().responseUrlPosts().slice(postsBefore)[0]);
      assert.match(JSON.stringify(post.body), /could not open your meeting list in time/);
    } finally {
      slack().triggerIdLifetimeMs = 3000;
    }
  });
});
