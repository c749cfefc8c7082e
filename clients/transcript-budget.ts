/**
 * Fitting a transcript into the model's input budget. Long calls are shortened by keeping the
 * beginning (who is who, why they met) and the end (decisions and next steps cluster there) and
 * dropping the middle behind an explicit "[… N lines omitted …]" marker, so the model knows a
 * gap exists instead of reading a silently spliced conversation.
 */
import type { TranscriptLine } from '../domain/meeting';

/**
 * About four characters per token for English text. UTF-8 bytes are counted rather than
 * characters so that scripts needing more tokens per character (CJK, Cyrillic) are not underestimated.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** Share of the trimmed budget spent on the opening; the rest (and anything unused) goes to the end. */
const openingShare = 0.4;
/** A single transcript segment longer than this is a transcription fault; capping it keeps trimming moving. */
const maxLineChars = 4_000;

export function omittedLinesMarker(count: number): string {
  return `[… ${count} lines omitted …]`;
}

function formatTranscriptLine(line: TranscriptLine): string {
  const text = line.text.replace(/\s+/g, ' ').trim();
  const capped = text.length > maxLineChars ? `${text.slice(0, maxLineChars)}…` : text;
  return `[${line.timestamp}] ${line.speaker}: ${capped}`;
}

export interface FittedTranscript {
  text: string;
  totalLines: number;
  /** Lines kept from the start and from the end; both are totalLines' share when nothing was cut. */
  openingLines: number;
  closingLines: number;
  omittedLines: number;
}

/** The transcript as `[hh:mm:ss] Speaker: text` lines, at most `maxTokens` estimated tokens long. */
export function fitTranscriptToBudget(transcript: TranscriptLine[], maxTokens: number): FittedTranscript {
  const lines = transcript.map(formatTranscriptLine);
  const costs = lines.map((line) => estimateTokens(`${line}\n`));
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= maxTokens) {
    return { text: lines.join('\n'), totalLines: lines.length, openingLines: lines.length, closingLines: 0, omittedLines: 0 };
  }

  const available = Math.max(0, maxTokens - estimateTokens(`${omittedLinesMarker(lines.length)}\n`));
  let opening = 0;
  let used = 0;
  while (opening < lines.length && used + costs[opening]! <= available * openingShare) used += costs[opening++]!;
  let closingStart = lines.length;
  while (closingStart > opening && used + costs[closingStart - 1]! <= available) used += costs[--closingStart]!;

  const omitted = closingStart - opening;
  const text = [...lines.slice(0, opening), omittedLinesMarker(omitted), ...lines.slice(closingStart)].join('\n');
  return { text, totalLines: lines.length, openingLines: opening, closingLines: lines.length - closingStart, omittedLines: omitted };
}
