import assert from 'node:assert/strict';
import type { TranscriptLine } from '../../domain/meeting';
import { estimateTokens, fitTranscriptToBudget } from '../../clients/transcript-budget';

describe('Transcript budget', () => {
  const transcript: TranscriptLine[] = Array.from({ length: 1000 }, (_, index) => ({
    speaker: index % 2 ? 'Buyer' : 'Rep',
    text: `Line ${index} with some words about the deal and what happens next.`,
    timestamp: `00:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`,
  }));

  it('keeps a transcript that fits as it is', () => {
    const fitted = fitTranscriptToBudget(transcript.slice(0, 10), 10_000);
    assert.equal(fitted.omittedLines, 0);
    assert.equal(fitted.text.split('\n').length, 10);
  });

  it('keeps the beginning and the larger end, marks the gap, and stays within the budget', () => {
    const fitted = fitTranscriptToBudget(transcript, 2_000);
    assert.ok(estimateTokens(fitted.text) <= 2_000);
    assert.ok(fitted.closingLines > fitted.openingLines && fitted.openingLines > 0);
    assert.equal(fitted.openingLines + fitted.closingLines + fitted.omittedLines, 1000);
    const lines = fitted.text.split('\n');
    assert.match(lines[0]!, /^\[00:00:00\] Rep: Line 0 /);
    assert.equal(lines[fitted.openingLines], `[… ${fitted.omittedLines} lines omitted …]`);
    assert.match(lines.at(-1)!, /Line 999 /);
  });

  it('caps a runaway single segment so trimming still makes progress', () => {
    const fitted = fitTranscriptToBudget([{ speaker: 'A', text: 'word '.repeat(50_000), timestamp: '00:00:00' }, ...transcript.slice(0, 5)], 3_000);
    assert.ok(estimateTokens(fitted.text) <= 3_000);
    assert.ok(fitted.openingLines >= 1);
  });

  it('counts non-Latin scripts more heavily than four characters per token', () => {
    assert.equal(estimateTokens('abcd'), 1);
    assert.equal(estimateTokens('会議の議事録'), 5);
  });
});
