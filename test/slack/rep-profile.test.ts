import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { User } from '../../entities';
import { cardText } from '../support/card';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('the rep’s zone, language and name come from Slack', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  /** The rep as Slack describes them; the seed writes none of this into the rep's row. */
  function slackProfile(seeded: SeededTenant, profile: { tz: string; locale: string }): void {
    harness.emulators.slack.addUser({ id: seeded.rep.slackUserId, teamId: seeded.teamId, name: 'alice', realName: 'Alice Johnson', email: seeded.rep.email, ...profile });
  }
  const repRow = (seeded: SeededTenant) => inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId }));
  const profileReads = (seeded: SeededTenant) => harness.emulators.slack.calls('users.info').filter((call) => call.user === seeded.rep.slackUserId).length;

  /** Another meeting in the same channel, waited for until its workflow is past loading it. */
  async function preparedAfterLoad(seeded: SeededTenant): Promise<void> {
    const { workflowId } = await prepareMeeting(harness, seeded);
    await waitFor('the meeting to be loaded', async () => (await meetingState(harness, workflowId)).status !== 'preparing');
  }

  it('shows an it-IT rep the card in Italian, at their local time, and reads Slack again only once a day has passed', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    slackProfile(seeded, { tz: 'America/New_York', locale: 'it-IT' });

    await prepareMeeting(harness, seeded, { recording_start_time: '2026-07-01T14:00:00Z' });
    const card = cardText(harness.emulators.slack, salesChannel);
    assert.match(card, /2026-07-01 10:00 \(America\/New_York\)/, 'the meeting time on the rep’s wall clock');
    assert.match(card, /Modifica/);
    assert.match(card, /Ignora/);
    assert.doesNotMatch(card, /"Edit"|"Dismiss"/);
    const stored = await repRow(seeded);
    assert.deepEqual({ timeZone: stored.timeZone, locale: stored.locale, fullName: stored.fullName }, { timeZone: 'America/New_York', locale: 'it-IT', fullName: 'Alice Johnson' });
    assert.equal(profileReads(seeded), 1);

    // The rep moved and switched Slack to German: a fresh profile is kept, a day-old one is read again.
    slackProfile(seeded, { tz: 'Europe/Berlin', locale: 'de-DE' });
    await preparedAfterLoad(seeded);
    assert.equal(profileReads(seeded), 1, 'a profile read less than a day ago is not read again');
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId })).profileRefreshedAt = new Date(Date.now() - 25 * 60 * 60 * 1000);
    });
    await preparedAfterLoad(seeded);
    assert.equal(profileReads(seeded), 2);
    const moved = await repRow(seeded);
    assert.deepEqual({ timeZone: moved.timeZone, locale: moved.locale }, { timeZone: 'Europe/Berlin', locale: 'de-DE' });
  });
});
