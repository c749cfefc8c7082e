/**
 * Drill: a noisy neighbour. Tenant B runs 10 meetings alone (phase 1), then again while tenant A
 * starts 500 at once (phase 2), on one stack with three worker processes. B's preparation time
 * (/followup → card) and click → note p99 must stay within 2× of B alone; the Fathom emulator,
 * enforcing Fathom's 60 calls a minute per account, must never see more than that from one
 * account (the shared rate limit keeps all three workers inside it); and no card may show a
 * failure. HubSpot and Slack peaks per window are reported as measured.
 */
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { cardActions } from '../../slack/action-ids';
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { postRaw } from '../lib/http';
import { noteMarker, signedClick, signedFollowupCommand, type ClickTarget } from '../lib/slack-traffic';
import { numberFromEnv, summarize } from '../lib/stats';
import type { DrillResult } from './kill-worker';

const NOTE_PATH = /^\/crm\/v3\/objects\/notes$/;
const fathomLimitPerMinute = 60;
let nextRecording = 9_000_000;

type Workspace = DrillStack['workspaces'][number];

interface StartedMeeting {
  target: ClickTarget;
  startedAt: number;
}

/** `/followup <link>` by the workspace's rep in a channel of the meeting's own. */
async function startMeeting(stack: DrillStack, workspace: Workspace, label: string): Promise<StartedMeeting> {
  const number = nextRecording++;
  const meeting = stack.emulators.fathom.addMeeting(sampleMeeting({ recording_id: number }, { repEmail: workspace.rep.email }));
  const target: ClickTarget = {
    tenantId: workspace.tenant.id,
    teamId: workspace.teamId,
    userId: workspace.rep.slackUserId,
    channelId: `C0${label}${number}`,
    recordingId: String(meeting.recording_id),
  };
  stack.emulators.slack.addChannel({ id: target.channelId, teamId: workspace.teamId, name: `${label.toLowerCase()}-${number}`, botIsMember: true, memberIds: [workspace.rep.slackUserId] });
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    const command = signedFollowupCommand(stack.signingSecret, stack.emulators.slack, target, meeting.url);
    const answer = await postRaw(`${stack.apiUrl}${command.path}`, command.headers, command.body);
    if (answer.status === 200 && !answer.body.includes('⚠️') && !answer.body.includes('⛔')) break;
    if (attempt >= 30) throw new Error(`/followup answered ${answer.status} ${answer.error ?? answer.body.slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { target, startedAt };
}

function cardMessages(stack: DrillStack, channelId: string) {
  return stack.emulators.slack.messages(channelId).filter((message) => !message.thread_ts);
}

function cardReady(stack: DrillStack, channelId: string): boolean {
  return cardMessages(stack, channelId).some((message) => JSON.stringify(message.blocks ?? []).includes(cardActions.logNote));
}

/** A card showing a failure offers Retry, or says so in words. */
function cardShowsFailure(stack: DrillStack, channelId: string): boolean {
  return cardMessages(stack, channelId).some((message) => {
    const text = JSON.stringify(message);
    return text.includes(cardActions.retry) || /rate limit/i.test(text);
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** B's 10 meetings: start together, wait for every card, then click "Log to CRM" on each and wait for its note. */
async function runTenantB(stack: DrillStack, workspace: Workspace, count: number, label: string, timeoutMs: number) {
  const started = await Promise.all(Array.from({ length: count }, () => startMeeting(stack, workspace, label)));
  const preparationMs = await Promise.all(
    started.map(async ({ target, startedAt }) => {
      await waitFor(() => cardReady(stack, target.channelId), timeoutMs, `B's card ${target.recordingId}`);
      return Date.now() - startedAt;
    }),
  );
  const firstHubSpotRequest = stack.emulators.hubspot.requests.length;
  const clickToNoteMs = await Promise.all(
    started.map(async ({ target }) => {
      const clickedAt = Date.now();
      const click = signedClick(stack.signingSecret, stack.emulators.slack, target, `noisy-${target.recordingId}`);
      const answer = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
      if (answer.status !== 200) throw new Error(`B's click answered ${answer.status}`);
      let arrivedAt: number | undefined;
      await waitFor(
        () => {
          arrivedAt = stack.emulators.hubspot.requests
            .slice(firstHubSpotRequest)
            .find((request) => request.method === 'POST' && NOTE_PATH.test(request.path) && noteMarker.exec(request.rawBody)?.[1] === target.recordingId)?.at;
          return arrivedAt !== undefined;
        },
        timeoutMs,
        `B's note ${target.recordingId}`,
      );
      return arrivedAt! - clickedAt;
    }),
  );
  return { targets: started.map((meeting) => meeting.target), preparation: summarize(preparationMs), clickToNote: summarize(clickToNoteMs) };
}

/** The most requests any one key sent within any `windowMs` (sliding), over the requests given. */
function peakPerWindow(requests: { at: number; key: string }[], windowMs: number): { peak: number; key?: string } {
  const byKey = new Map<string, number[]>();
  for (const request of requests) byKey.set(request.key, [...(byKey.get(request.key) ?? []), request.at]);
  let best = { peak: 0, key: undefined as string | undefined };
  for (const [key, times] of byKey) {
    times.sort((a, b) => a - b);
    let first = 0;
    for (let last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= windowMs) first++;
      if (last - first + 1 > best.peak) best = { peak: last - first + 1, key };
    }
  }
  return best;
}

export async function noisyNeighbourDrill(): Promise<DrillResult> {
  const aMeetings = Math.round(numberFromEnv('DRILL_NOISY_A_MEETINGS', 500));
  const bMeetings = Math.round(numberFromEnv('DRILL_NOISY_B_MEETINGS', 10));
  const timeoutMs = numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 30 * 60_000);
  // Three worker processes share the limits: the one the stack starts and two more.
  const stack = await startDrillStack({ workerProcesses: 3 });
  const failures: string[] = [];
  try {
    const [tenantA, tenantB] = stack.workspaces;
    if (!tenantA || !tenantB) throw new Error('the drill needs two workspaces (DRILL_WORKSPACES ≥ 2)');
    // Fathom's real per-account limit, enforced with 429 (the benchmarks lift it).
    stack.emulators.fathom.rateLimit = { limit: fathomLimitPerMinute, windowSeconds: 60 };
    stack.emulators.fathom.resetRateLimits();
    const firstFathomRequest = stack.emulators.fathom.requests.length;
    const firstHubSpotRequest = stack.emulators.hubspot.requests.length;

    console.log(`[drill] noisy-neighbour phase 1: tenant B alone, ${bMeetings} meetings`);
    const alone = await runTenantB(stack, tenantB, bMeetings, 'BALONE', timeoutMs);

    console.log(`[drill] noisy-neighbour phase 2: tenant A starts ${aMeetings} meetings at once, tenant B ${bMeetings}`);
    const phase2StartedAt = Date.now();
    const startingA = Promise.all(Array.from({ length: aMeetings }, () => startMeeting(stack, tenantA, 'A')));
    const withNeighbour = await runTenantB(stack, tenantB, bMeetings, 'BNOISY', timeoutMs);
    const aTargets = (await startingA).map((meeting) => meeting.target);
    await waitFor(
      () => aTargets.every((target) => cardReady(stack, target.channelId) || cardShowsFailure(stack, target.channelId)),
      timeoutMs,
      `every card of tenant A`,
    );
    const aSeconds = Math.round((Date.now() - phase2StartedAt) / 1000);

    const fathomRequests = stack.emulators.fathom.requests.slice(firstFathomRequest).map((request) => ({
      at: request.at,
      key: String(request.headers['x-api-key'] ?? request.headers.authorization ?? 'none'),
    }));
    const fathomPeak = peakPerWindow(fathomRequests, 60_000);
    const hubSpotPeak = peakPerWindow(
      stack.emulators.hubspot.requests.slice(firstHubSpotRequest).map((request) => ({ at: request.at, key: String(request.headers.authorization ?? 'none') })),
      10_000,
    );
    const failedCards = [...alone.targets, ...withNeighbour.targets, ...aTargets].filter((target) => cardShowsFailure(stack, target.channelId)).length;

    const ratio = (after: number, before: number) => Math.round((after / Math.max(1, before)) * 100) / 100;
    const preparationRatio = ratio(withNeighbour.preparation.p99, alone.preparation.p99);
    const noteRatio = ratio(withNeighbour.clickToNote.p99, alone.clickToNote.p99);
    if (preparationRatio > 2) failures.push(`B's preparation p99 ${withNeighbour.preparation.p99} ms is ${preparationRatio}× its ${alone.preparation.p99} ms alone`);
    if (noteRatio > 2) failures.push(`B's click → note p99 ${withNeighbour.clickToNote.p99} ms is ${noteRatio}× its ${alone.clickToNote.p99} ms alone`);
    if (fathomPeak.peak > fathomLimitPerMinute) failures.push(`one Fathom account got ${fathomPeak.peak} calls within a minute (limit ${fathomLimitPerMinute})`);
    if (failedCards > 0) failures.push(`${failedCards} cards show a failure`);
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'noisy neighbour',
        aMeetings,
        bMeetings,
        workers: 3,
        bPrepP99AloneMs: alone.preparation.p99,
        bPrepP99NoisyMs: withNeighbour.preparation.p99,
        bNoteP99AloneMs: alone.clickToNote.p99,
        bNoteP99NoisyMs: withNeighbour.clickToNote.p99,
        aAllCardsSeconds: aSeconds,
        fathomPeakPerMinute: fathomPeak.peak,
        hubSpotPeakPer10s: hubSpotPeak.peak,
        failedCards,
      },
    };
  } finally {
    await stack.shutdown();
  }
}
