/**
 * Benchmark 2, click to CRM note: fresh meetings, one "Log to CRM" click each at a fixed arrival
 * rate through the real API, and the time from the click's intended send time to the note's
 * create request reaching the HubSpot emulator (zero added latency; the emulator records each
 * request's arrival, and the note exists as soon as that request is served). The clicks are
 * all first clicks, so their ack latency is the accepted path's. Baseline in the same run, at the
 * same rate and count: the bare round trip (bench/lib/bare-round-trip.ts). Goals: click → note
 * p99 ≤ 2× the bare round trip's p99, and the accepted click's ack p99 ≤ 100 ms.
 */
import type { BenchStack } from './lib/bench-stack';
import { runBareRoundTrips } from './lib/bare-round-trip';
import { postRaw } from './lib/http';
import { prepareMeetings } from './lib/meetings';
import { latencySummary, runOpenLoad } from './lib/open-load';
import { numberFromEnv, printTable, summarize, type Row } from './lib/stats';
import { noteMarker, signedClick } from './lib/slack-traffic';

const NOTE_PATH = /^\/crm\/v3\/objects\/notes$/;

export interface ClickToNoteResult {
  clicks: number;
  ratePerSecond: number;
  rows: Row[];
  goals: Row[];
  missingNotes: number;
}

export async function runClickToNoteBenchmark(stack: BenchStack): Promise<ClickToNoteResult> {
  const clicks = Math.round(numberFromEnv('BENCH_NOTE_CLICKS', 500));
  const ratePerSecond = numberFromEnv('BENCH_NOTE_RATE', 10);
  console.log(`[bench] click to CRM note: ${clicks} first clicks at ${ratePerSecond}/s`);
  const targets = await prepareMeetings(stack, clicks, { label: 'click-to-note meetings' });
  const { hubspot } = stack.emulators;
  const firstRequest = hubspot.requests.length;

  const run = await runOpenLoad({
    ratePerSecond,
    durationMs: (clicks / ratePerSecond) * 1000,
    request: async (index) => {
      const click = signedClick(stack.signingSecret, stack.emulators.slack, targets[index]!, `note-${index}`);
      const answer = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
      return answer.status;
    },
  });

  const noteArrivals = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (noteArrivals.size < clicks && Date.now() < deadline) {
    for (const request of hubspot.requests.slice(firstRequest)) {
      if (request.method !== 'POST' || !NOTE_PATH.test(request.path)) continue;
      const recordingId = noteMarker.exec(request.rawBody)?.[1];
      if (recordingId && !noteArrivals.has(recordingId)) noteArrivals.set(recordingId, request.at);
    }
    if (noteArrivals.size < clicks) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const clickToNote = run.samples.flatMap((sample) => {
    const arrivedAt = noteArrivals.get(targets[sample.index]!.recordingId);
    return arrivedAt === undefined ? [] : [arrivedAt - sample.intendedAt];
  });
  const bare = await runBareRoundTrips(stack, clicks, ratePerSecond);
  const ack = latencySummary(run.samples);
  const note = summarize(clickToNote);
  const bareLatency = latencySummary(bare.samples, (outcome) => outcome === 'done');
  const rows: Row[] = [
    { measure: 'ack (accepted click)', ...ack, errors: run.samples.filter((sample) => sample.outcome !== 200).length },
    { measure: 'click → note in CRM', ...note, errors: clicks - clickToNote.length },
    { measure: 'baseline: bare update → activity → HTTP → result', ...bareLatency, errors: bare.samples.filter((sample) => sample.outcome !== 'done').length },
  ];
  printTable(`Click to CRM note: ${clicks} first clicks at ${ratePerSecond}/s (ms from intended send time)`, rows);
  // A step with errors (missing notes, failed updates) has no meaningful p99: its goal is not met.
  const clean = rows.every((row) => row.errors === 0);
  const goals: Row[] = [
    { goal: 'click → note p99 ≤ 2× bare round trip p99', measured: note.p99, baseline: bareLatency.p99, ratio: round2(note.p99 / bareLatency.p99), met: clean && note.p99 <= 2 * bareLatency.p99 },
    { goal: 'accepted click ack p99 ≤ 100 ms', measured: ack.p99, baseline: 100, ratio: round2(ack.p99 / 100), met: clean && ack.p99 <= 100 },
  ];
  printTable('Click to CRM note: goals', goals);
  return { clicks, ratePerSecond, rows, goals, missingNotes: clicks - clickToNote.length };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
