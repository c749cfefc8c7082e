/**
 * The one tool Claude is forced to call, `record_follow_up`: its input schema is the contract for
 * the draft. The same schema object validates what comes back; anything that does not fit is a
 * non-retryable 'invalid' error (no free-text parsing, no guessing), then the size limits are applied.
 */
import { ExternalServiceError } from '../domain/service-errors';
import { enforceFollowUpLimits, followUpLimits, type FollowUpContent } from './follow-up-limits';
import { schemaProblems, type JsonSchema } from './json-schema-subset';

export const followUpToolName = 'record_follow_up';

function text(description: string, maxLength?: number): JsonSchema {
  return { type: 'string', minLength: 1, ...(maxLength ? { maxLength } : {}), description };
}

/** Property order is the order the model writes in: language first, so everything after follows it. */
const followUpInputSchema: JsonSchema = {
  type: 'object',
  required: ['language', 'summary', 'next_steps', 'insights', 'follow_up', 'email_subject', 'email_html', 'crm_note'],
  properties: {
    language: {
      type: 'string',
      pattern: '^[a-z]{2}$',
      description: 'ISO 639-1 code (two lowercase letters) of the language every other field is written in.',
    },
    summary: text('What the meeting covered and decided, 2-4 sentences of plain text.', followUpLimits.summaryChars),
    next_steps: {
      type: 'array',
      maxItems: followUpLimits.nextSteps,
      items: text('One agreed action with its owner and date when stated.', followUpLimits.nextStepChars),
      description: 'Concrete actions agreed in the meeting; empty when none were agreed.',
    },
    insights: {
      type: 'object',
      required: ['tech_stack', 'pain_points', 'impact', 'next_steps', 'roadblocks'],
      properties: {
        tech_stack: text('Tools, platforms and systems the prospect uses or mentioned.', followUpLimits.insightChars),
        pain_points: text('Problems and inefficiencies the prospect described.', followUpLimits.insightChars),
        impact: text('Stated business impact: time, money, team size, deadlines.', followUpLimits.insightChars),
        next_steps: text('Commitments with owners and dates.', followUpLimits.insightChars),
        roadblocks: text('Budget, approvals, reviews, competitors, objections.', followUpLimits.insightChars),
      },
    },
    follow_up: {
      type: 'object',
      required: ['agreed'],
      properties: {
        agreed: { type: 'boolean', description: 'True only when a further meeting or call was agreed.' },
        local_date_time: {
          type: 'string',
          pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d$',
          description: 'YYYY-MM-DDTHH:mm as agreed, in the speakers\u2019 local time; omit unless both day and time are known.',
        },
        phrase: {
          type: 'string',
          maxLength: followUpLimits.followUpPhraseChars,
          description: 'The words used for the agreement, e.g. "next Tuesday afternoon".',
        },
      },
    },
    email_subject: text('Plain-text subject naming the main topic.', followUpLimits.emailSubjectChars),
    email_html: text(
      `Email body in Gmail HTML using only <p>, <br>, <b>, <ul>, <li>; at most ${followUpLimits.emailWords} words.`,
    ),
    crm_note: text('Plain-text note for the CRM record, no HTML or Markdown.', followUpLimits.crmNoteChars),
  },
};

export const followUpTool = {
  name: followUpToolName,
  description: 'Records the complete follow-up for the meeting. Call it exactly once with every field filled in.',
  input_schema: { ...followUpInputSchema, type: 'object' as const },
};

interface FollowUpToolInput {
  language: string;
  summary: string;
  next_steps: string[];
  insights: { tech_stack: string; pain_points: string; impact: string; next_steps: string; roadblocks: string };
  follow_up: { agreed: boolean; local_date_time?: string | null; phrase?: string | null };
  email_subject: string;
  email_html: string;
  crm_note: string;
}

export function invalidDraftError(detail: string): ExternalServiceError {
  return new ExternalServiceError({
    service: 'anthropic',
    kind: 'invalid',
    userMessage: 'Claude returned a follow-up we could not use. Retry the draft or write it by hand.',
    detail,
  });
}

/** Validates the tool input against the schema, then maps it to a draft within the limits. */
export function readFollowUpToolInput(input: unknown): FollowUpContent {
  const problems = schemaProblems(input, followUpInputSchema);
  if (problems.length > 0) throw invalidDraftError(`record_follow_up input: ${problems.slice(0, 5).join('; ')}`);
  const valid = input as FollowUpToolInput;
  return enforceFollowUpLimits({
    summary: valid.summary,
    nextSteps: valid.next_steps,
    insights: {
      techStack: valid.insights.tech_stack,
      painPoints: valid.insights.pain_points,
      impact: valid.insights.impact,
      nextSteps: valid.insights.next_steps,
      roadblocks: valid.insights.roadblocks,
    },
    emailSubject: valid.email_subject,
    emailHtml: valid.email_html,
    crmNote: valid.crm_note,
    followUp: {
      agreed: valid.follow_up.agreed,
      ...(valid.follow_up.local_date_time ? { localDateTime: valid.follow_up.local_date_time } : {}),
      ...(valid.follow_up.phrase ? { phrase: valid.follow_up.phrase } : {}),
    },
    language: valid.language,
  });
}
