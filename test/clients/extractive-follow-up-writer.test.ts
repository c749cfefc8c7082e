import assert from 'node:assert/strict';
import { createExtractiveFollowUpWriter } from '../../clients/extractive-follow-up-writer';
import { toRecordedMeeting } from '../../clients/fathom-meeting-mapper';
import { countEmailWords } from '../../clients/follow-up-limits';
import type { FollowUpRequest } from '../../clients/follow-up-writer';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';

function requestFor(overrides: Partial<FollowUpRequest> = {}, transcriptLines?: number): FollowUpRequest {
  const meeting = toRecordedMeeting(sampleMeeting({ recording_start_time: '2026-11-24T15:00:00Z' }, { transcriptLines }));
  return {
    title: meeting.title,
    startedAt: meeting.startedAt,
    meetingLanguage: meeting.language,
    languageSetting: 'auto',
    tone: 'professional',
    repName: 'Alice Johnson',
    companyName: 'Acme',
    externalAttendees: meeting.attendees.filter((attendee) => attendee.external).map(({ name, email }) => ({ name, email })),
    transcript: meeting.transcript,
    tenantId: 'tenant-1',
    ...overrides,
  };
}

describe('Extractive follow-up writer', () => {
  const writer = createExtractiveFollowUpWriter();

  it('labels itself as an offline draft and never as Claude', async () => {
    const draft = await writer.write(requestFor());
    assert.equal(draft.generator, 'extractive');
    assert.equal(draft.model, 'extractive-offline');
    assert.equal(draft.tokensUsed, 0);
    assert.ok(draft.summary.startsWith('(Offline draft, not AI-written)'));
    assert.ok(draft.crmNote.startsWith('(Offline draft, not AI-written)'));
    assert.doesNotMatch(JSON.stringify(draft), /claude|anthropic/i);
  });

  it('builds every field from transcript sentences', async () => {
    const request = requestFor();
    const draft = await writer.write(request);
    const spoken = request.transcript.map((line) => line.text).join(' ');

    assert.match(draft.summary, /"Acme × Client Inc — discovery call" on 2026-11-24 with John Smith, Priya Patel\./);
    assert.ok(draft.nextSteps.length > 0 && draft.nextSteps.length <= 6);
    for (const step of draft.nextSteps) assert.ok(spoken.includes(step.replace(/^[^:]+: /, '')), step);
    assert.match(draft.insights.techStack, /HubSpot/);
    assert.match(draft.insights.roadblocks, /budget|security/i);
    assert.match(draft.insights.impact, /forty reps|fifty thousand|Q3/);
    assert.deepEqual(draft.followUp, { agreed: true, phrase: 'next Tuesday' });
    assert.equal(draft.emailSubject, 'Follow-up: Acme × Client Inc — discovery call');
    assert.match(draft.emailHtml, /^<p>Hi John, Priya,<\/p>/);
    assert.match(draft.emailHtml, /<p>Best regards,<br>Alice Johnson<\/p>$/);
    assert.equal(draft.language, 'en');
  });

  it('is deterministic', async () => {
    assert.deepEqual(await writer.write(requestFor()), await writer.write(requestFor()));
  });

  it('stays within the limits on a 2-hour call', async () => {
    const draft = await writer.write(requestFor({}, 1440));
    assert.ok(draft.summary.length <= 600);
    assert.ok(draft.nextSteps.length <= 6);
    assert.ok(countEmailWords(draft.emailHtml) <= 200);
    assert.ok(draft.crmNote.length <= 3000);
  });

  it('says what it did not find instead of inventing it', async () => {
    const draft = await writer.write(requestFor({ transcript: [{ speaker: 'A', text: 'Hello there everyone.', timestamp: '00:00:01' }], externalAttendees: [], repName: null }));
    assert.equal(draft.insights.painPoints, 'Not found in the transcript.');
    assert.equal(draft.insights.roadblocks, 'None identified.');
    assert.deepEqual(draft.nextSteps, []);
    assert.deepEqual(draft.followUp, { agreed: false });
    assert.match(draft.emailHtml, /<p>Hi all,<\/p>/);
    assert.match(draft.emailHtml, /<p>Best regards<\/p>$/);
  });

  it('escapes transcript text placed in the email', async () => {
    const transcript = [{ speaker: 'John', text: 'We need <script>alert(1)</script> fixed & the budget approved soon.', timestamp: '00:00:01' }];
    const draft = await writer.write(requestFor({ transcript }));
    assert.doesNotMatch(draft.emailHtml, /<script>/);
    assert.match(draft.emailHtml, /&lt;script&gt;/);
  });
});
