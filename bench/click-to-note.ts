/**
 * Benchmark 2, click to CRM note: fresh meetings, one "Log to CRM" click each at a fixed arrival
 * rate through the real API, and the time from the click's intended send time to the note's
 * create request reaching the HubSpot emulator (zero added latency; the emulator records each
 * request's arrival, and the note exists as soon as that request is served). The clicks are
 * all first clicks, so their ack latency is the accepted path's. Baseline in the same run, at the
 * same rate and count: the bare round trip (bench/lib/bare-round-trip.ts). Each path first gets
 * BENCH_WARMUP_S × rate of the same requests on meetings / workflows of their own, not counted, so
 * neither p99 is a cold start. Goals: click → note p99 ≤ 2× the bare round trip's p99, and the
 * accepted click's ack p99 ≤ 100 ms.
 */
import type { BenchStack } from './lib/bench-stack';
import { startBareRoundTrips } from './lib/bare-round-trip';
import { postRaw } from './lib/http';
import { prepareMeetings } from './lib/meetings';
import { latencySummary, runOpenLoad, type OpenLoadRun } from './lib/open-load';
import { numberFromEnv, printTable, summarize, type Row } from './lib/stats';
import { noteMarker, signedClick, type ClickTarget } from './lib/slack-traffic';

const NOTE_PATH = /^\/crm\/v3\/objects\/notes$/;

export interface ClickToNoteResult {
  clicks: number;
  ratePerSecond: number;
  /** Requests per path before the measured ones, not counted. */
  warmup: number;
  rows: Row[];
  goals: Row[];
  missingNotes: number;
}

export async function runClickToNoteBenchmark(stack: BenchStack): Promise<ClickToNoteResult> {
  const clicks = Math.round(numberFromEnv('BENCH_NOTE_CLICKS', 500));
  const ratePerSecond = numberFromEnv('BENCH_NOTE_RATE', 10);
  // Both paths get the same warm-up, not counted: the bare round trip's worker is new, the product's has run since the stack started.
  const warmup = Math.round(numberFromEnv('BENCH_WARMUP_S', 5) * ratePerSecond);
  console.log(`[bench] click to CRM note: ${clicks} first clicks at ${ratePerSecond}/s, after ${warmup} not counted on each path`);
  const prepared = await prepareMeetings(stack, warmup + clicks, { label: 'click-to-note meetings' });
  const [warmupTargets, targets] = [prepared.slice(0, warmup), prepared.slice(warmup)];
  const { hubspot } = stack.emulators;

  await clickEach(stack, warmupTargets, ratePerSecond, 'note-warmup');
  await noteArrivals(stack, warmupTargets, 0);
  const firstRequest = hubspot.requests.length;
  const run = await clickEach(stack, targets, ratePerSecond, 'note');
  const arrivals = await noteArrivals(stack, targets, firstRequest);
  const clickToNote = run.samples.flatMap((sample) => {
    const arrivedAt = arrivals.get(targets[sample.index]!.recordingId);
    return arrivedAt === undefined ? [] : [arrivedAt - sample.intendedAt];
  });
  const bareRoundTrips = await startBareRoundTrips(stack);
  const bare = await bareRoundTrips.run(warmup, ratePerSecond).then(() => bareRoundTrips.run(clicks, ratePerSecond)).finally(() => bareRoundTrips.close());
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
  return { clicks, ratePerSecond, warmup, rows, goals, missingNotes: clicks - clickToNote.length };
}

/** One first click on each meeting at `ratePerSecond` through the API; the outcome is the HTTP status. */
function clickEach(stack: BenchStack, targets: ClickTarget[], ratePerSecond: number, label: string): Promise<OpenLoadRun<number | undefined>> {
  return runOpenLoad({
    ratePerSecond,
    durationMs: (targets.length / ratePerSecond) * 1000,
    request: async (index) => {
      const click = signedClick(stack.signingSecret, stack.emulators.slack, targets[index]!, `${label}-${index}`);
      const answer = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
      return answer.status;
    },
  });
}

/** When each meeting's note create request reached the HubSpot emulator (its requests from `firstRequest` on), waiting up to 120 s for all. */
async function noteArrivals(stack: BenchStack, targets: ClickTarget[], firstRequest: number): Promise<Map<string, number>> {
  const { hubspot } = stack.emulators;
  const wanted = new Set(targets.map((target) => target.recordingId));
  const arrivals = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (arrivals.size < wanted.size && Date.now() < deadline) {
    for (const request of hubspot.requests.slice(firstRequest)) {
      if (request.method !== 'POST' || !NOTE_PATH.test(request.path)) continue;
      const recordingId = noteMarker.exec(request.rawBody)?.[1];
      if (recordingId && wanted.has(recordingId) && !arrivals.has(recordingId)) arrivals.set(recordingId, request.at);
    }
    if (arrivals.size < wanted.size) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return arrivals;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
