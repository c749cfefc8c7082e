import assert from 'node:assert/strict';
import type { KnownBlock } from '@slack/types';
import { actionKinds, type ActionKind, type ActionState, type FollowUpDraft, type MeetingState } from '../../domain/meeting';
import { cardActions } from '../../slack/action-ids';
import { renderMeetingCard } from '../../slack/meeting-card';

const draft: FollowUpDraft = {
  summary: 'Acme wants a pilot.',
  nextSteps: ['Send the pricing'],
  insights: { techStack: 'Postgres', painPoints: 'Manual notes', impact: 'Hours a week', nextSteps: 'Pilot', roadblocks: 'Budget' },
  emailSubject: 'Our call',
  emailHtml: '<p>Thanks for your time.</p>',
  crmNote: 'Pilot discussed.',
  followUp: { agreed: true, localDateTime: '2026-12-08T15:00' },
  language: 'en',
  generator: 'claude',
  model: 'claude',
  promptVersion: 'v1',
  revision: 1,
};

/** A prepared meeting on a connected CRM, with the follow-up event created. */
function scheduledMeeting(change: (state: MeetingState) => void = () => {}): MeetingState {
  const state: MeetingState = {
    tenantId: 't1',
    recordingId: '123',
    repSlackUserId: 'U0REP',
    status: 'awaiting-rep',
    draftRevision: 1,
    crm: { provider: 'hubspot', capabilities: ['notes', 'tasks', 'deals', 'dealUpdate'] },
    account: { verdict: 'matched', candidates: [], chosen: { id: 'acct-1', name: 'Acme Inc', confidence: 0.95, source: 'domain' } },
    actions: Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }])) as Record<ActionKind, ActionState>,
    offeredActions: ['note', 'draft', 'event'],
    nudged: false,
  };
  state.actions.event = { status: 'done', attempts: 1, externalId: 'evt-1', label: 'Follow-up on Tue 8 Dec, 15:00' };
  change(state);
  return state;
}

function render(state: MeetingState) {
  return renderMeetingCard({ state, draft, title: 'Acme call', startedAt: new Date('2026-12-01T10:00:00Z'), timeZone: 'UTC', locale: null, externalAttendees: ['john@acme.com'] });
}

/** A meeting stopped before its account was matched (so before the CRM connection was looked at). */
function unmatchedMeeting(status: MeetingState['status'], change: (state: MeetingState) => void = () => {}): MeetingState {
  return scheduledMeeting((state) => {
    state.status = status;
    state.draftRevision = 0;
    state.crm = { provider: null, capabilities: [] };
    state.account = undefined;
    change(state);
  });
}

/** Every visible text of the card: sections and context lines. */
function allTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section' && block.text) return [block.text.text];
    if (block.type === 'context') return block.elements.flatMap((element) => ('text' in element ? [element.text] : []));
    return [];
  });
}

/** The card's buttons (and selects), by action id. */
function clickIds(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'actions') return block.elements.map((element) => element.action_id ?? '');
    if (block.type === 'section' && block.accessory && 'action_id' in block.accessory) return [block.accessory.action_id ?? ''];
    return [];
  });
}

/** Every visible text of the card's sections. */
function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

describe('the meeting card', () => {
  describe('the CRM connection', () => {
    const noCrm = /No CRM connected/;

    it('is not called missing on an internal-only card, whose account was never matched', () => {
      const texts = allTexts(renderMeetingCard({ state: unmatchedMeeting('skipped-internal'), draft: null, title: 'Team sync', startedAt: null, timeZone: 'UTC', locale: null, externalAttendees: [] }).blocks);
      assert.ok(!texts.some((text) => noCrm.test(text)), texts.join('\n'));
    });

    it('is not called missing on a card whose preparation failed before the match', () => {
      const failed = unmatchedMeeting('needs-attention', (state) => (state.preparationFailure = { message: 'The recording was not found.', kind: 'not-found' }));
      const texts = allTexts(renderMeetingCard({ state: failed, draft: null, title: 'recording 123', startedAt: null, timeZone: 'UTC', locale: null, externalAttendees: [] }).blocks);
      assert.ok(!texts.some((text) => noCrm.test(text)), texts.join('\n'));
    });

    it('is called missing once the match found no CRM connected', () => {
      const state = scheduledMeeting((s) => {
        s.crm = { provider: null, capabilities: [] };
        s.account = { verdict: 'none', candidates: [] };
      });
      assert.ok(allTexts(render(state).blocks).some((text) => noCrm.test(text)));
    });
  });

  describe('the meeting time in the header', () => {
    it('is the meeting’s own', () => {
      assert.ok(allTexts(render(scheduledMeeting()).blocks).includes('2026-12-01 10:00 (UTC)'));
    });

    it('is left out when the meeting could not be loaded, rather than showing another time', () => {
      const failed = unmatchedMeeting('needs-attention', (state) => (state.preparationFailure = { message: 'The recording was not found.', kind: 'not-found' }));
      const texts = allTexts(renderMeetingCard({ state: failed, draft: null, title: 'recording 123', startedAt: null, timeZone: 'UTC', locale: null, externalAttendees: [] }).blocks);
      assert.ok(!texts.some((text) => text.endsWith('(UTC)')), texts.join('\n'));
      assert.ok(texts.includes('0 external attendees'));
    });
  });

  describe('the CRM account', () => {
    it('can be searched for and changed while the note is not logged', () => {
      assert.ok(clickIds(render(scheduledMeeting()).blocks).includes(cardActions.searchAccount));
    });

    it('is fixed once the note is logged, and the card says why', () => {
      const { blocks } = render(scheduledMeeting((state) => (state.actions.note = { status: 'done', attempts: 1, label: 'Note on Acme Inc' })));
      assert.ok(!clickIds(blocks).includes(cardActions.searchAccount), 'no account picker');
      assert.ok(sectionTexts(blocks).some((text) => text.startsWith('*CRM account:* Acme Inc') && text.includes('the note is logged here')));
    });
  });

  describe('the invitations of the follow-up meeting', () => {
    it('offers to send them once the event is created', () => {
      assert.ok(clickIds(render(scheduledMeeting()).blocks).includes(cardActions.sendInvitations));
    });

    it('shows them being sent, with no second "Send invitations"', () => {
      const { blocks } = render(scheduledMeeting((state) => (state.actions.invitations = { status: 'pending', attempts: 1 })));
      assert.ok(!clickIds(blocks).includes(cardActions.sendInvitations));
      assert.ok(sectionTexts(blocks).includes('⏳ Invitations: working on it…'));
    });

    it('shows a failure with its reason and a Retry naming the invitations', () => {
      const failure = { message: 'Reconnect Google in App Home.', kind: 'reconnect' };
      const { blocks } = render(scheduledMeeting((state) => (state.actions.invitations = { status: 'failed', attempts: 1, failure })));
      const line = blocks.find((block) => block.type === 'section' && block.text?.text.startsWith('❌ Invitations failed'));
      assert.ok(line && line.type === 'section', 'the failure is on the card');
      assert.match(line.text?.text ?? '', /Reconnect Google in App Home/);
      assert.deepEqual(line.accessory && 'value' in line.accessory ? [line.accessory.action_id, line.accessory.value] : [], [cardActions.retry, '123:invitations']);
    });

    it('offers "Done, no invitations" next to "Send invitations", and after a failed send', () => {
      const ids = clickIds(render(scheduledMeeting()).blocks);
      assert.equal(ids.indexOf(cardActions.skipInvitations), ids.indexOf(cardActions.sendInvitations) + 1);
      const failed = scheduledMeeting((state) => (state.actions.invitations = { status: 'failed', attempts: 1 }));
      assert.ok(clickIds(render(failed).blocks).includes(cardActions.skipInvitations));
    });

    it('says none were sent once the rep chose so, and offers neither button again', () => {
      const { blocks } = render(scheduledMeeting((state) => (state.actions.invitations = { status: 'dismissed', attempts: 0 })));
      assert.ok(sectionTexts(blocks).includes('➖ Invitations: none sent'));
      const ids = clickIds(blocks);
      assert.ok(!ids.includes(cardActions.sendInvitations) && !ids.includes(cardActions.skipInvitations));
    });
  });
});
