import assert from 'node:assert/strict';
import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { actionKinds, type ActionKind, type ActionState, type FollowUpDraft, type MeetingState, type MeetingStatus } from '../../../domain/meeting';
import { mrkdwnLink, truncate } from '../../../slack/block-kit';
import { renderMeetingCard } from '../../../slack/meeting-card';
import { blockKitViolations } from '../../support/block-kit-limits';
import { hostileLongText, hostileText, isWellFormed } from './hostile-text';

/**
 * The card shows text from outside (meeting titles, Claude's draft, CRM names and links, error
 * messages): whatever it says, the card stays within Slack's limits, and the only mrkdwn
 * `<…>` sequences in it are the links the product itself made from a CRM's record URL. Nothing
 * from outside can become a mention, @channel, a channel link or a link of its own.
 */
describe('meeting card text (property)', () => {
  const runs = { numRuns: 120, seed: 16_1 };
  const url = fc.oneof(
    fc.webUrl(),
    hostileText({ maxLength: 6 }),
    fc.tuple(fc.webUrl(), fc.constantFrom('|<!channel>', '><!here><', '|x><@U1|', ' <#C1>', '>')).map(([base, tail]) => `${base}${tail}`),
  );
  const statuses: MeetingStatus[] = ['preparing', 'skipped-internal', 'awaiting-rep', 'working', 'needs-attention', 'completed', 'dismissed', 'expired', 'cancelled'];
  const action = fc.record(
    {
      status: fc.constantFrom<ActionState['status']>('idle', 'pending', 'done', 'failed', 'dismissed'),
      attempts: fc.nat(5),
      url,
      label: hostileText(),
      failure: fc.record({ message: hostileLongText(), kind: fc.constant('unknown') }),
    },
    { requiredKeys: ['status', 'attempts'] },
  );
  const candidate = fc.record(
    { id: hostileText({ maxLength: 3 }), name: hostileLongText(), domain: hostileText({ maxLength: 3 }), url, confidence: fc.double({ min: 0, max: 1, noNaN: true }), source: fc.constantFrom('domain', 'name', 'rep') as fc.Arbitrary<'domain' | 'name' | 'rep'> },
    { requiredKeys: ['id', 'name', 'confidence', 'source'] },
  );
  const draft: fc.Arbitrary<FollowUpDraft> = fc.record({
    summary: hostileLongText(),
    nextSteps: fc.array(hostileLongText(), { maxLength: 5 }),
    insights: fc.record({ techStack: hostileLongText(), painPoints: hostileText(), impact: hostileText(), nextSteps: hostileText(), roadblocks: hostileText() }),
    emailSubject: hostileText(),
    emailHtml: hostileLongText(),
    crmNote: hostileText(),
    followUp: fc.constant({ agreed: false }),
    language: fc.constant('en'),
    generator: fc.constantFrom<FollowUpDraft['generator']>('claude', 'extractive'),
    model: fc.constant('claude'),
    promptVersion: hostileText({ maxLength: 3 }),
    revision: fc.constant(1),
  });
  const state: fc.Arbitrary<MeetingState> = fc.record({
    status: fc.constantFrom(...statuses),
    actions: fc.tuple(...actionKinds.map(() => action)),
    candidates: fc.array(candidate, { maxLength: 120 }),
    chosen: fc.option(candidate, { nil: undefined }),
    verdict: fc.constantFrom('matched', 'ambiguous', 'none') as fc.Arbitrary<'matched' | 'ambiguous' | 'none'>,
    preparationFailure: fc.option(fc.record({ message: hostileLongText(), kind: fc.constant('unknown') }), { nil: undefined }),
  }).map(({ status, actions, candidates, chosen, verdict, preparationFailure }) => ({
    tenantId: 't1',
    recordingId: '123',
    repSlackUserId: 'U0REP',
    status,
    draftRevision: 1,
    crm: { provider: 'hubspot', capabilities: ['notes', 'tasks', 'deals', 'dealUpdate'] },
    account: { verdict, candidates, chosen },
    actions: Object.fromEntries(actionKinds.map((kind, index) => [kind, actions[index]!])) as Record<ActionKind, ActionState>,
    offeredActions: [...actionKinds],
    nudged: false,
    preparationFailure,
  }));

  it('stays within Block Kit limits and links only what the product linked', () => {
    fc.assert(
      fc.property(state, fc.option(draft, { nil: null }), hostileLongText(), fc.array(hostileText(), { maxLength: 3 }), (meeting, followUp, title, attendees) => {
        const card = renderMeetingCard({ state: meeting, draft: followUp, title, startedAt: new Date(0), timeZone: 'Europe/Rome', locale: null, externalAttendees: attendees });
        const problems = blockKitViolations('message', card);
        assert.deepEqual(problems, [], problems.join('\n'));

        const ownUrls = new Set([meeting.account?.chosen?.url, ...actionKinds.map((kind) => meeting.actions[kind].url)].flatMap((link) => (link && URL.canParse(link) ? [new URL(link).href] : [])));
        for (const text of [card.text, ...mrkdwnTexts(card.blocks)]) {
          assert.ok(isWellFormed(text), 'no half of a surrogate pair left by truncation');
          for (const [, inside] of text.matchAll(/<([^>]*)>?/g)) {
            const target = inside!.split('|')[0]!;
            assert.ok(/^https?:\/\/[^\s<>|]+$/.test(target) && ownUrls.has(target), `a <…> sequence the product did not make: <${inside!.slice(0, 80)}>`);
          }
        }
      }),
      runs,
    );
  });
});

/** Every mrkdwn text object's text in the blocks: what Slack parses for mentions and links. */
function mrkdwnTexts(blocks: KnownBlock[]): string[] {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(visit);
    }
  };
  visit(blocks);
  return texts;
}

describe('meeting card text: counterexamples the property found', () => {
  it('does not let a CRM link with a `|` or `>` smuggle in @channel, and shows the label alone', () => {
    assert.equal(mrkdwnLink('http://a.aa|<!channel>', 'Note'), 'Note');
    assert.equal(mrkdwnLink('https://crm.example/r/1><!here>', 'Acme'), '<https://crm.example/r/1%3E%3C!here%3E|Acme>');
    assert.equal(mrkdwnLink('javascript:alert(1)', 'x'), 'x');
    assert.equal(mrkdwnLink('https://app.hubspot.com/contacts/1/record/0-2/42', 'Acme'), '<https://app.hubspot.com/contacts/1/record/0-2/42|Acme>');
  });

  it('never cuts an emoji in half when truncating', () => {
    const cut = truncate(`${'a'.repeat(8)}👍👍`, 10);
    assert.ok(isWellFormed(cut), JSON.stringify(cut));
    assert.equal(cut, `${'a'.repeat(8)}…`);
  });
});
