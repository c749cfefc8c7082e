/**
 * What Claude is told. The system prompt is a versioned file (clients/prompts/follow-up.v2.md),
 * read once at module load so a missing file fails at startup, not on the first meeting. The user
 * message carries everything per meeting: the instructions (rep, company, tone, language) in
 * `<meeting>`, then what came from outside (title, attendees, transcript fitted into the input
 * budget) in `<meeting_data>`, which the system prompt declares untrusted. Outside text cannot
 * close or open either block: a delimiter written inside it is escaped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FollowUpRequest } from './follow-up-writer';
import { followUpTool, followUpToolName } from './follow-up-tool';
import { estimateTokens, fitTranscriptToBudget, omittedLinesMarker, type FittedTranscript } from './transcript-budget';

/** Bump with a new prompts/<version>.md file; drafts record which version wrote them. */
export const followUpPromptVersion = 'follow-up.v2';
export const followUpSystemPrompt = readFileSync(join(__dirname, 'prompts', `${followUpPromptVersion}.md`), 'utf8');

/** Room left for the request's JSON framing and escaping, which the token estimate does not see. */
const framingMarginShare = 0.02;

const toneGuidance: Record<FollowUpRequest['tone'], string> = {
  professional: 'professional (clear, courteous and businesslike)',
  friendly: 'friendly (warm and personable, still businesslike)',
  concise: 'concise (as short as the content allows; every sentence must earn its place)',
};

/** Made at the first draft, not when the worker or the API loads this module: ICU's language names take ~10 ms to load. */
let languageNames: Intl.DisplayNames | undefined;
/** A language tag such as `en` or `pt-BR`; anything else from the recorder is not passed on. */
const languageCodePattern = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/;
const promptDelimiterPattern = /<(\s*\/?\s*)(meeting_data|meeting|transcript)\b/gi;

/** Outside text with every opening or closing delimiter tag of the prompt made inert. */
export function escapePromptDelimiters(text: string): string {
  return text.replace(promptDelimiterPattern, '&lt;$1$2');
}

function languageLabel(code: string): string {
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
    const name = languageNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** The workspace setting wins over the recorder's detection; without either, the model detects it. */
function languageInstruction(request: FollowUpRequest): string {
  const setting = request.languageSetting.trim().toLowerCase();
  if (setting && setting !== 'auto') return `Write every field in ${languageLabel(setting)}: the workspace requires this language.`;
  const recorded = request.meetingLanguage?.trim().toLowerCase();
  if (recorded && languageCodePattern.test(recorded)) return `Write every field in ${languageLabel(recorded)}, the language the recorder detected for this meeting.`;
  return 'Detect the language most of the transcript is spoken in and write every field in it.';
}

function repLine(request: FollowUpRequest): string {
  // Both come from outside (the rep's Slack profile, the workspace name): data, never markup.
  const rep = escapePromptDelimiters(request.repName?.trim() || 'name unknown');
  const company = escapePromptDelimiters(request.companyName?.trim() || 'company not given');
  return `Rep (the email is from them): ${rep}, ${company}`;
}

function attendeeLines(request: FollowUpRequest): string {
  const attendees = request.externalAttendees
    .map((attendee) => [attendee.name?.trim(), attendee.email ? `<${attendee.email.trim()}>` : ''].filter(Boolean).join(' '))
    .map(escapePromptDelimiters)
    .filter(Boolean);
  return attendees.length > 0
    ? attendees.map((attendee) => `- ${attendee}`).join('\n')
    : '- none listed; treat the speakers other than the rep as the prospect';
}

function transcriptNote(transcript: Pick<FittedTranscript, 'totalLines' | 'openingLines' | 'closingLines' | 'omittedLines'>): string {
  if (transcript.omittedLines === 0) return `Transcript: complete, ${transcript.totalLines} lines.`;
  return (
    `Transcript: shortened to fit the input limit. The first ${transcript.openingLines} and the last ` +
    `${transcript.closingLines} of ${transcript.totalLines} lines are shown; the ${transcript.omittedLines} lines ` +
    `in between were left out where the line "${omittedLinesMarker(transcript.omittedLines)}" stands. ` +
    'Do not guess what was said there.'
  );
}

function userMessage(request: FollowUpRequest, transcript: Pick<FittedTranscript, 'text' | 'totalLines' | 'openingLines' | 'closingLines' | 'omittedLines'>): string {
  return [
    `Write the follow-up for this meeting and record it with the ${followUpToolName} tool.`,
    '',
    '<meeting>',
    `Meeting date: ${request.startedAt.slice(0, 10)} (recording started ${request.startedAt})`,
    repLine(request),
    `Tone of the email: ${toneGuidance[request.tone]}`,
    `Language: ${languageInstruction(request)} Report the ISO 639-1 code you wrote in.`,
    transcriptNote(transcript),
    '</meeting>',
    '',
    '<meeting_data>',
    `Title: ${escapePromptDelimiters(request.title)}`,
    'External attendees:',
    attendeeLines(request),
    '<transcript>',
    transcript.text,
    '</transcript>',
    '</meeting_data>',
  ].join('\n');
}

export interface FollowUpPrompt {
  system: string;
  userMessage: string;
  transcript: FittedTranscript;
  /** System prompt, tool definition and user message together, in estimated tokens. */
  estimatedInputTokens: number;
}

/**
 * Builds the request text so that system prompt + tool definition + user message stay within
 * `maxInputTokens` (estimated): whatever the fixed parts leave is the transcript's budget.
 */
export function buildFollowUpPrompt(request: FollowUpRequest, maxInputTokens: number): FollowUpPrompt {
  // Escaped before fitting, so the budget counts the text as sent.
  const spoken = request.transcript.map((line) => ({ ...line, speaker: escapePromptDelimiters(line.speaker), text: escapePromptDelimiters(line.text) }));
  const lines = spoken.length;
  // The longest form of the transcript note, so the reserve holds whichever note is used.
  const frame = userMessage(request, { text: '', totalLines: lines, openingLines: lines, closingLines: lines, omittedLines: lines });
  const fixedTokens =
    estimateTokens(followUpSystemPrompt) + estimateTokens(JSON.stringify(followUpTool)) + estimateTokens(frame);
  const transcriptBudget = Math.floor(maxInputTokens * (1 - framingMarginShare)) - fixedTokens;
  const transcript = fitTranscriptToBudget(spoken, Math.max(0, transcriptBudget));
  const message = userMessage(request, transcript);
  return {
    system: followUpSystemPrompt,
    userMessage: message,
    transcript,
    estimatedInputTokens: estimateTokens(followUpSystemPrompt) + estimateTokens(JSON.stringify(followUpTool)) + estimateTokens(message),
  };
}
