import assert from 'node:assert/strict';
import { CardViews, type CardView } from '../../../activities/card-views';

function viewWith(summary: string | null, timeZone = 'UTC'): CardView {
  return {
    draft: summary === null ? null : ({ summary, revision: 1 } as CardView['draft']),
    title: 'Acme call',
    startedAt: new Date('2026-12-01T10:00:00Z'),
    externalAttendees: ['john@acme.com'],
    timeZone,
    locale: null,
    cardChannel: 'C1',
    cardTs: '1.1',
  };
}

/** A database whose meeting view can change, counting reads. */
function database(initial: CardView | null) {
  const db = { view: initial, reads: 0, read: async () => { db.reads += 1; return db.view; } };
  return db;
}

const meeting = { tenantId: 'T1', recordingId: 'R1', draftRevision: 1 };

describe('CardViews: card edits read a meeting from Postgres once per draft revision, never showing a changed draft', () => {
  it('reads once per revision while the change feed is live, and shows an edited draft as soon as the revision changes', async () => {
    const db = database(viewWith('First draft'));
    const views = new CardViews({ ttlMs: 60_000, maxMeetings: 10 });
    views.liveChanged(true);
    assert.equal((await views.viewOf(meeting, db.read))?.draft?.summary, 'First draft');
    assert.equal((await views.viewOf(meeting, db.read))?.draft?.summary, 'First draft');
    assert.equal(db.reads, 1);

    db.view = viewWith('Edited by the rep');
    assert.equal((await views.viewOf({ ...meeting, draftRevision: 2 }, db.read))?.draft?.summary, 'Edited by the rep');
    assert.equal(db.reads, 2);
  });

  it('keeps nothing while the feed is down or before it is up, and drops a tenant’s views on its change notice', async () => {
    const db = database(viewWith('Draft'));
    const views = new CardViews({ ttlMs: 60_000, maxMeetings: 10 });
    await views.viewOf(meeting, db.read);
    await views.viewOf(meeting, db.read);
    assert.equal(db.reads, 2, 'no feed yet: a change could be missed');

    views.liveChanged(true);
    await views.viewOf(meeting, db.read);
    await views.viewOf({ ...meeting, tenantId: 'T2' }, db.read);
    views.changed('T1');
    await views.viewOf(meeting, db.read);
    await views.viewOf({ ...meeting, tenantId: 'T2' }, db.read);
    assert.equal(db.reads, 5, 'T1 read again after its notice; T2 still kept');

    views.liveChanged(false);
    await views.viewOf({ ...meeting, tenantId: 'T2' }, db.read);
    assert.equal(db.reads, 6, 'the feed went down: everything kept is dropped');
  });

  it('reads again once the time-to-live has passed, so a rep’s new time zone shows', async () => {
    let now = 0;
    const db = database(viewWith('Draft', 'Europe/Rome'));
    const views = new CardViews({ ttlMs: 1_000, maxMeetings: 10, now: () => now });
    views.liveChanged(true);
    await views.viewOf(meeting, db.read);
    db.view = viewWith('Draft', 'America/New_York');
    now = 1_000;
    assert.equal((await views.viewOf(meeting, db.read))?.timeZone, 'America/New_York');
  });

  it('never keeps a meeting not stored yet, so its card shows the record once it is', async () => {
    const db = database(null);
    const views = new CardViews({ ttlMs: 60_000, maxMeetings: 10 });
    views.liveChanged(true);
    assert.equal(await views.viewOf(meeting, db.read), null);
    db.view = viewWith(null);
    assert.equal((await views.viewOf(meeting, db.read))?.title, 'Acme call');
  });

  it('does not keep a view read while a tenant change arrived', async () => {
    const views = new CardViews({ ttlMs: 60_000, maxMeetings: 10 });
    views.liveChanged(true);
    let reads = 0;
    await views.viewOf(meeting, async () => {
      reads += 1;
      views.changed('T1');
      return viewWith('Draft');
    });
    await views.viewOf(meeting, async () => { reads += 1; return viewWith('Draft'); });
    assert.equal(reads, 2);
  });
});
