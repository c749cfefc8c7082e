/**
 * The offline drafter for the no-accounts demo: deterministic, no network, and honest about it.
 * Every field is built from transcript sentences picked by simple English cue words (needs,
 * budget, next steps, dates); nothing is paraphrased or invented. It labels itself everywhere a
 * reader could mistake it for AI: generator 'extractive', model 'extractive-offline', and a
 * summary and CRM note that start with "(Offline draft, not AI-written)".
 */
import { enforceFollowUpLimits, escapeHtml } from './follow-up-limits';
import type { FollowUpRequest, FollowUpWriter, WrittenFollowUp } from './follow-up-writer';

const offlineDraftLabel = '(Offline draft, not AI-written)';
const extractivePromptVersion = 'extractive.v1';

interface Sentence {
  speaker: string;
  text: string;
}

const weekday = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const month = '(?:january|february|march|april|may|june|july|august|september|october|november|december)';
const cues = {
  needs: /\b(?:need|needs|want|wants|looking for|goal|problem|issue|struggl\w*|manual\w*|pain\w*|challenge\w*|frustrat\w*|behind|missing|cannot|can't)\b/i,
  techStack: /\b(?:crm|hubspot|salesforce|pipedrive|spreadsheets?|excel|sheets|slack|gmail|outlook|zoom|api|integrations?|platforms?|tools?|software|systems?)\b/i,
  impact: /\d|%|[$€£]|\b(?:hours?|days?|weeks?|reps?|people|hundred|thousand|million|percent|revenue|cost|costs|quarter|q[1-4])\b/i,
  roadblocks: /\b(?:budget|approv\w*|signs? off|sign-off|security|legal|procurement|contract|pricing|price|concerns?|risks?|blockers?|competitors?)\b/i,
  nextSteps: /\b(?:next steps?|i will|i'll|we will|we'll|will send|send over|follow[- ]up|schedule|book|invite|by (?:the )?end of)\b/i,
  meeting: /\b(?:follow[- ]up|meet|meeting|call|catch up|reconnect|sync|demo|walk\b.*\bthrough)\b/i,
  when: new RegExp(
    `\\b(?:(?:next |this )?${weekday}(?: (?:morning|afternoon|evening))?|tomorrow(?: (?:morning|afternoon|evening))?|next (?:week|month)|${month} \\d{1,2}(?:st|nd|rd|th)?|\\d{1,2}(?:st|nd|rd|th)? (?:of )?${month}|\\d{4}-\\d{2}-\\d{2})\\b`,
    'i',
  ),
};

function sentencesOf(request: FollowUpRequest): Sentence[] {
  return request.transcript.flatMap((line) =>
    line.text
      .split(/(?<=[.!?])\s+/)
      .map((text) => text.trim())
      // Fragments such as "Sure." or "Will do." carry nothing a follow-up can use.
      .filter((text) => text.split(/\s+/).length >= 4)
      .map((text) => ({ speaker: line.speaker, text })),
  );
}

function matching(sentences: Sentence[], cue: RegExp, count: number, from: 'start' | 'end' = 'start'): Sentence[] {
  const matches = sentences.filter((sentence) => cue.test(sentence.text));
  return from === 'start' ? matches.slice(0, count) : matches.slice(-count);
}

function bulletList(sentences: Sentence[], fallback: string): string {
  return sentences.length > 0 ? sentences.map((sentence) => `- ${sentence.speaker}: ${sentence.text}`).join('\n') : fallback;
}

function firstNames(request: FollowUpRequest): string {
  const names = request.externalAttendees
    .map((attendee) => attendee.name?.trim().split(/\s+/)[0])
    .filter((name): name is string => Boolean(name));
  return names.length > 0 ? names.join(', ') : 'all';
}

function meetingLine(request: FollowUpRequest): string {
  const attendees = request.externalAttendees.map((attendee) => attendee.name ?? attendee.email).filter(Boolean);
  const withWhom = attendees.length > 0 ? ` with ${attendees.join(', ')}` : '';
  return `"${request.title}" on ${request.startedAt.slice(0, 10)}${withWhom}.`;
}

function emailHtml(request: FollowUpRequest, keyPoints: Sentence[], nextSteps: Sentence[]): string {
  const items = keyPoints.map((sentence) => `<li>${escapeHtml(sentence.text)}</li>`).join('');
  const steps = nextSteps.map((sentence) => `<li>${escapeHtml(sentence.text)}</li>`).join('');
  const signature = request.repName ? `,<br>${escapeHtml(request.repName)}` : '';
  return [
    `<p>Hi ${escapeHtml(firstNames(request))},</p>`,
    '<p>Thank you for your time today. Here is what I noted from our conversation:</p>',
    items ? `<ul>${items}</ul>` : '',
    steps ? `<p><b>Next steps</b></p><ul>${steps}</ul>` : '',
    `<p>Best regards${signature}</p>`,
  ].join('');
}

export function createExtractiveFollowUpWriter(): FollowUpWriter {
  async function write(request: FollowUpRequest): Promise<WrittenFollowUp> {
    const sentences = sentencesOf(request);
    const needs = matching(sentences, cues.needs, 3);
    const roadblocks = matching(sentences, cues.roadblocks, 3);
    // Commitments cluster at the end of a call, so the last ones are the ones that stand.
    const nextSteps = matching(sentences, cues.nextSteps, 6, 'end');
    const agreement = sentences.filter((sentence) => cues.meeting.test(sentence.text) && cues.when.test(sentence.text)).at(-1);
    const summaryPoints = needs.slice(0, 2).map((sentence) => sentence.text).join(' ');

    const content = enforceFollowUpLimits({
      summary: `${offlineDraftLabel} ${meetingLine(request)}${summaryPoints ? ` ${summaryPoints}` : ''}`,
      nextSteps: nextSteps.map((sentence) => `${sentence.speaker}: ${sentence.text}`),
      insights: {
        techStack: bulletList(matching(sentences, cues.techStack, 3), 'Not found in the transcript.'),
        painPoints: bulletList(needs, 'Not found in the transcript.'),
        impact: bulletList(matching(sentences, cues.impact, 3), 'Not found in the transcript.'),
        nextSteps: bulletList(nextSteps.slice(-3), 'To be determined.'),
        roadblocks: bulletList(roadblocks, 'None identified.'),
      },
      emailSubject: `Follow-up: ${request.title}`,
      emailHtml: emailHtml(request, [...needs.slice(0, 2), ...roadblocks.slice(0, 1)], nextSteps.slice(-2)),
      crmNote: [
        offlineDraftLabel,
        `Meeting: ${meetingLine(request)}`,
        '',
        'Needs and pain points:',
        bulletList(needs, 'Not found in the transcript.'),
        '',
        'Roadblocks:',
        bulletList(roadblocks, 'None identified.'),
        '',
        'Next steps:',
        bulletList(nextSteps, 'To be determined.'),
      ].join('\n'),
      // A date phrase is quoted, never resolved to a calendar date: that would be a guess.
      followUp: agreement ? { agreed: true, phrase: cues.when.exec(agreement.text)![0] } : { agreed: false },
      // The quotes are in the meeting's language; only the few template words are English.
      language: request.meetingLanguage ?? 'en',
    });
    return { ...content, generator: 'extractive', model: 'extractive-offline', promptVersion: extractivePromptVersion, tokensUsed: 0 };
  }

  return { write };
}
