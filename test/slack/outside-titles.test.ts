import assert from 'node:assert/strict';
import { actionKinds, type ActionKind, type ActionState, type MeetingState } from '../../domain/meeting';
import { renderMeetingCard } from '../../slack/meeting-card';
import { nudgeText } from '../../slack/nudge-message';

const hostileTitle = '<!channel> <https://evil.example|click> & <@U0ADMIN>';

/** What Slack would act on in mrkdwn: a mention, a special mention or a link, all written <…>. */
function slackMarkup(text: string): string[] {
  return [...text.matchAll(/<[^>]*>/g)].map(([markup]) => markup);
}

function preparingState(): MeetingState {
  return {
    tenantId: 't1',
    recordingId: '123',
    repSlackUserId: 'U0REP',
    status: 'preparing',
    draftRevision: 0,
    crm: { provider: null, capabilities: [] },
    actions: Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }])) as Record<ActionKind, ActionState>,
    offeredActions: ['note', 'draft', 'event'],
    nudged: false,
  };
}

describe('meeting titles from outside in Slack messages', () => {
  it('the nudge mentions only the rep and links nowhere', () => {
    const text = nudgeText('U0REP', hostileTitle, null);
    assert.deepEqual(slackMarkup(text), ['<@U0REP>']);
    assert.ok(text.includes('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@U0ADMIN&gt;'), text);
  });

  it("the card's notification text neither mentions nor links", () => {
    const card = renderMeetingCard({ state: preparingState(), draft: null, title: hostileTitle, startedAt: new Date('2026-12-01T10:00:00Z'), timeZone: 'Europe/Rome', locale: 'en-US', externalAttendees: [] });
    assert.deepEqual(slackMarkup(card.text), []);
    assert.ok(card.text.startsWith('Follow-up for &lt;!channel&gt; &lt;https://evil.example|click&gt;'), card.text);
  });
});
