/**
 * Drill: a noisy neighbour. On one stack with three worker processes:
 * - warm-up: a third workspace runs a few meetings end to end (not counted), so every worker has
 *   loaded its code, connections and caches before anything is measured;
 * - phase 1: tenant B alone starts `DRILL_NOISY_B_MEETINGS` meetings with /followup, waits for
 *   each card and clicks "Log to CRM" on it: its preparation (/followup → card) and click → note
 *   times are printed at once;
 * - phase 2: tenant A's `DRILL_NOISY_A_MEETINGS` meetings arrive at once, as a busy workspace's do:
 *   Fathom "meeting content ready" webhooks (carrying the transcript) spread over A's reps, plus a
 *   share typed as /followup by those reps; once A's burst is accepted B does phase 1 again, and
 *   its figures and ratios are printed as soon as B is done;
 * - then A must finish (every card ready) within a bound set by its Anthropic share, and its
 *   figures are printed; last, each service's peak calls per window per account against the
 *   vendor's limit, and every message shown to a rep is checked for failures.
 * Passes when B's preparation p99 and click → note p99 with A stay within 2× of B alone, A
 * finishes within its bound, no account exceeds an enforced limit, and no rep saw a failure.
 */
import os from 'node:os';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { seedEmulatedWorkspace } from '../../emulators/seed-workspace';
import { slackBotScopes } from '../../clients/slack-oauth';
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { postRaw } from '../lib/http';
import { RepVisibleMessages } from '../lib/rep-visible-messages';
import { servicePeaks } from '../lib/service-peaks';
import { noteMarker, signedClick, signedFollowupCommand, type ClickTarget } from '../lib/slack-traffic';
import { numberFromEnv, summarize, type LatencySummary } from '../lib/stats';
import { deliverFathomWebhook } from '../lib/webhook-meetings';
import { describeWaits, historyTimeline, historyWaits } from '../lib/history-waits';
import { describeDeferrals, historyDeferrals } from '../lib/history-deferrals';
import { inPool } from '../lib/pool';
import { watchStackWindow } from '../lib/stack-window';
import { meetingWorkflowId } from '../../workflows/messages';
import type { DrillResult } from './kill-worker';

const NOTE_PATH = /^\/crm\/v3\/objects\/notes$/;
const fathomLimitPerMinute = 60;
/** What the Anthropic emulator states in its anthropic-ratelimit-requests-limit header (a low tier's). */
const anthropicRequestsPerMinute = 50;
/** The product lets one tenant use at most half the organisation's Anthropic requests, so A drafts at most this many a minute. */
const anthropicPerTenantPerMinute = anthropicRequestsPerMinute / 2;
const POLL_MS = 250;
let nextRecording = 9_000_000;

type Workspace = DrillStack['workspaces'][number];

interface StartedMeeting {
  target: ClickTarget;
  startedAt: number;
  /** When the API answered the /followup or the webhook. */
  answeredAt: number;
}

/** `/followup <link>` by the workspace's rep in a channel of the meeting's own; the card is posted there. */
async function startWithFollowup(stack: DrillStack, workspace: Workspace, label: string): Promise<StartedMeeting> {
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
  return { target, startedAt, answeredAt: Date.now() };
}

/** Fathom's webhook for a meeting of the rep's that just ended, with its transcript; the card goes to the rep's DM. */
async function startWithWebhook(stack: DrillStack, workspace: Workspace): Promise<StartedMeeting> {
  const meeting = stack.emulators.fathom.addMeeting(sampleMeeting({ recording_id: nextRecording++ }, { repEmail: workspace.rep.email }));
  const startedAt = Date.now();
  await deliverFathomWebhook(stack, workspace, JSON.stringify(meeting));
  const target: ClickTarget = {
    tenantId: workspace.tenant.id,
    teamId: workspace.teamId,
    userId: workspace.rep.slackUserId,
    channelId: stack.emulators.slack.directMessageChannel(workspace.rep.slackUserId),
    recordingId: String(meeting.recording_id),
  };
  return { target, startedAt, answeredAt: Date.now() };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface TenantRun {
  started: StartedMeeting[];
  targets: ClickTarget[];
  preparation: LatencySummary;
  clickToNote: LatencySummary;
  seconds: number;
}

/** A tenant's rep runs `count` meetings: all started with /followup together, each card clicked "Log to CRM" as it appears, until every note is in HubSpot. */
async function runMeetingsAndClick(stack: DrillStack, shown: RepVisibleMessages, workspace: Workspace, count: number, label: string, timeoutMs: number): Promise<TenantRun> {
  const startedAt = Date.now();
  const started = await Promise.all(Array.from({ length: count }, () => startWithFollowup(stack, workspace, label)));
  const firstHubSpotRequest = stack.emulators.hubspot.requests.length;
  const timed = await Promise.all(
    started.map(async ({ target, startedAt: meetingStartedAt }) => {
      await waitFor(() => shown.scan().offeringNote.has(target.recordingId), timeoutMs, `${label}'s card ${target.recordingId}`);
      const preparationMs = shown.offeringNote.get(target.recordingId)! - meetingStartedAt;
      const clickedAt = Date.now();
      const click = signedClick(stack.signingSecret, stack.emulators.slack, target, `noisy-${target.recordingId}`);
      const answer = await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
      if (answer.status !== 200) throw new Error(`${label}'s click answered ${answer.status}`);
      let arrivedAt: number | undefined;
      await waitFor(
        () => {
          arrivedAt = stack.emulators.hubspot.requests
            .slice(firstHubSpotRequest)
            .find((request) => request.method === 'POST' && NOTE_PATH.test(request.path) && noteMarker.exec(request.rawBody)?.[1] === target.recordingId)?.at;
          return arrivedAt !== undefined;
        },
        timeoutMs,
        `${label}'s note ${target.recordingId}`,
      );
      return { preparationMs, clickToNoteMs: arrivedAt! - clickedAt };
    }),
  );
  return {
    started,
    targets: started.map((meeting) => meeting.target),
    preparation: summarize(timed.map((time) => time.preparationMs)),
    clickToNote: summarize(timed.map((time) => time.clickToNoteMs)),
    seconds: Math.round((Date.now() - startedAt) / 1000),
  };
}

/**
 * Tenant A as a sales team: its first rep plus `reps - 1` more, each with their own Fathom and
 * Google accounts and Fathom webhook, added the way a second rep's connections would be.
 */
async function teamOfReps(stack: DrillStack, first: Workspace, reps: number): Promise<Workspace[]> {
  const team = [first];
  for (let index = 1; index < reps; index++) {
    team.push(
      await seedEmulatedWorkspace({
        orm: stack.orm,
        secrets: stack.secrets,
        emulators: stack.emulators,
        botScopes: slackBotScopes,
        teamId: first.teamId,
        repEmail: `a-rep${index + 1}@acme.com`,
        settings: { autoLogPolicy: 'never' },
      }),
    );
  }
  return team;
}

const loadAverage = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const ratio = (after: number, before: number): number => Math.round((after / Math.max(1, before)) * 100) / 100;

function describe(run: TenantRun): string {
  const { preparation: prep, clickToNote: note } = run;
  return `preparation p50 ${prep.p50} / p99 ${prep.p99} ms, click → note p50 ${note.p50} / p99 ${note.p99} ms, ${run.seconds} s in all`;
}

export async function noisyNeighbourDrill(): Promise<DrillResult> {
  const aMeetings = Math.round(numberFromEnv('DRILL_NOISY_A_MEETINGS', 500));
  const aReps = Math.max(1, Math.round(numberFromEnv('DRILL_NOISY_A_REPS', 25)));
  // Most meetings arrive by webhook; a rep types /followup for one whose webhook they did not wait for.
  const aFollowupShare = numberFromEnv('DRILL_NOISY_A_FOLLOWUP_SHARE', 0.1);
  const bMeetings = Math.round(numberFromEnv('DRILL_NOISY_B_MEETINGS', 10));
  const deliveriesInFlight = Math.max(1, Math.round(numberFromEnv('DRILL_NOISY_A_DELIVERIES', 50)));
  const warmupMeetings = Math.round(numberFromEnv('DRILL_NOISY_WARMUP_MEETINGS', 6));
  const timeoutMs = numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000);
  // A's drafts are paced by its Anthropic share; half again, plus five minutes, for everything else.
  const aBoundMs = numberFromEnv('DRILL_NOISY_A_BOUND_MS', (aMeetings / anthropicPerTenantPerMinute) * 60_000 * 1.5 + 5 * 60_000);
  // Three worker processes share the limits: the one the stack starts and two more.
  const stack = await startDrillStack({ workerProcesses: 3 });
  const failures: string[] = [];
  const loads: Record<string, string> = {};
  try {
    const [firstOfA, tenantB, warmupTenant] = stack.workspaces;
    if (!firstOfA || !tenantB || !warmupTenant) throw new Error('the drill needs three workspaces (DRILL_WORKSPACES ≥ 3)');
    const teamA = await teamOfReps(stack, firstOfA, aReps);
    // Fathom's real per-account limit, enforced with 429 (the benchmarks lift it).
    stack.emulators.fathom.rateLimit = { limit: fathomLimitPerMinute, windowSeconds: 60 };
    stack.emulators.fathom.resetRateLimits();
    const shown = new RepVisibleMessages(stack.emulators.slack);
    const drillStartedAt = Date.now();

    console.log(`[drill] noisy-neighbour warm-up: ${warmupMeetings} meetings of a third workspace, not counted (load ${loads.warmup = loadAverage()})`);
    await runMeetingsAndClick(stack, shown, warmupTenant, warmupMeetings, 'WARM', timeoutMs);

    console.log(`[drill] noisy-neighbour phase 1: tenant B alone, ${bMeetings} meetings (load ${loads.bAloneStart = loadAverage()})`);
    const phase1StartedAt = Date.now();
    const aloneWindow = await watchStackWindow(stack.workerMetricsUrls, stack.temporalMetricsUrl);
    const alone = await runMeetingsAndClick(stack, shown, tenantB, bMeetings, 'BALONE', timeoutMs);
    loads.bAloneEnd = loadAverage();
    for (const line of await aloneWindow.end()) console.log(`[drill] noisy-neighbour window B alone: ${line}`);
    console.log(`[drill] noisy-neighbour B alone: ${describe(alone)} (load ${loads.bAloneEnd})`);

    // B's second round starts, like its first, on a Fathom account with a full minute's budget.
    const lastFathomCallOfB = Math.max(phase1StartedAt, ...stack.emulators.fathom.requests.filter((request) => request.at >= phase1StartedAt).map((request) => request.at));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastFathomCallOfB + 61_000 - Date.now())));

    const followups = Math.round(aMeetings * aFollowupShare);
    console.log(
      `[drill] noisy-neighbour phase 2: tenant A's ${aMeetings} meetings at once over ${aReps} reps (${aMeetings - followups} Fathom webhooks, ${followups} /followup), then tenant B's ${bMeetings} (load ${loads.phase2Start = loadAverage()})`,
    );
    const phase2StartedAt = Date.now();
    // The first `followups` go to the reps in turn as /followup, the rest as webhooks; Fathom
    // delivers them from a pool of its own, so at most `DRILL_NOISY_A_DELIVERIES` are in flight.
    const aStarted = await inPool(aMeetings, deliveriesInFlight, (index) => {
      const rep = teamA[index % teamA.length]!;
      return index < followups ? startWithFollowup(stack, rep, 'A') : startWithWebhook(stack, rep);
    });
    const aAcceptedSeconds = Math.round((Date.now() - phase2StartedAt) / 1000);
    const aReadyWhenBStarted = aStarted.filter(({ target }) => shown.scan().offeringNote.has(target.recordingId)).length;
    console.log(`[drill] noisy-neighbour A's ${aMeetings} meetings accepted by the API in ${aAcceptedSeconds} s; ${aReadyWhenBStarted} cards ready as B starts`);
    const withAWindow = await watchStackWindow(stack.workerMetricsUrls, stack.temporalMetricsUrl);
    const withA = await runMeetingsAndClick(stack, shown, tenantB, bMeetings, 'BNOISY', timeoutMs);
    loads.bWithAEnd = loadAverage();
    // Who had the CPU while B waited: a worker, Temporal, Postgres, or this process (the emulators, not the product).
    for (const line of await withAWindow.end()) console.log(`[drill] noisy-neighbour window B with A: ${line}`);
    const aReadyWhenBDone = aStarted.filter(({ target }) => shown.scan().offeringNote.has(target.recordingId)).length;
    const preparationRatio = ratio(withA.preparation.p99, alone.preparation.p99);
    const noteRatio = ratio(withA.clickToNote.p99, alone.clickToNote.p99);
    console.log(`[drill] noisy-neighbour B with A: ${describe(withA)}; A had ${aReadyWhenBDone}/${aMeetings} cards ready (load ${loads.bWithAEnd})`);
    console.log(`[drill] noisy-neighbour ratios (B with A / B alone, goal ≤ 2): preparation p99 ${preparationRatio}×, click → note p99 ${noteRatio}×`);
    // Where B's time went in each phase: waiting for a worker (the queue, retry delays) or running.
    for (const [phase, run] of [['alone', alone], ['with A', withA]] as const) {
      const workflowIds = run.started.map(({ target }) => meetingWorkflowId(target.tenantId, target.recordingId));
      const byWorkflow = new Map(run.started.map((meeting, index) => [workflowIds[index]!, meeting]));
      const timeline = await historyTimeline(
        stack.client,
        workflowIds,
        (workflowId) => byWorkflow.get(workflowId)!.startedAt,
        (workflowId) => {
          const meeting = byWorkflow.get(workflowId)!;
          return { '/followup answered': meeting.answeredAt, 'card offers Log to CRM': shown.offeringNote.get(meeting.target.recordingId) };
        },
      );
      for (const line of timeline) console.log(`[drill] noisy-neighbour B ${phase}, after /followup: ${line}`);
      for (const line of describeWaits(await historyWaits(stack.client, workflowIds))) console.log(`[drill] noisy-neighbour B ${phase}: ${line}`);
      for (const line of describeDeferrals(await historyDeferrals(stack.client, workflowIds))) console.log(`[drill] noisy-neighbour B ${phase}'s deferrals: ${line}`);
    }
    if (preparationRatio > 2) failures.push(`B's preparation p99 ${withA.preparation.p99} ms is ${preparationRatio}× its ${alone.preparation.p99} ms alone`);
    if (noteRatio > 2) failures.push(`B's click → note p99 ${withA.clickToNote.p99} ms is ${noteRatio}× its ${alone.clickToNote.p99} ms alone`);

    // A's completion: every meeting's card ready, or a failure shown for it (then waiting longer changes nothing).
    shown.scan();
    const aSettled = () => aStarted.every(({ target }) => shown.offeringNote.has(target.recordingId) || shown.offeringRetry.has(target.recordingId));
    let lastReport = Date.now();
    const aDeadline = phase2StartedAt + aBoundMs;
    while (!aSettled() && Date.now() < aDeadline) {
      if (Date.now() - lastReport > 60_000) {
        const ready = aStarted.filter(({ target }) => shown.offeringNote.has(target.recordingId)).length;
        console.log(`[drill] noisy-neighbour A: ${ready}/${aMeetings} cards ready after ${Math.round((Date.now() - phase2StartedAt) / 1000)} s (load ${loadAverage()})`);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      shown.scan();
    }
    loads.aEnd = loadAverage();
    const aReady = aStarted.filter(({ target }) => shown.offeringNote.has(target.recordingId)).length;
    const aSeconds = Math.round((Date.now() - phase2StartedAt) / 1000);
    const aPreparation = summarize(aStarted.map(({ target, startedAt }) => (shown.offeringNote.get(target.recordingId) ?? Number.NaN) - startedAt).filter((ms) => !Number.isNaN(ms)));
    console.log(
      `[drill] noisy-neighbour A: ${aReady}/${aMeetings} cards ready after ${aSeconds} s (bound ${Math.round(aBoundMs / 1000)} s); preparation p50 ${aPreparation.p50} / p99 ${aPreparation.p99} ms (load ${loads.aEnd})`,
    );
    // Busy work our own limiter made A do: each deferral is an activity task, a timer and workflow tasks.
    const aWorkflowIds = aStarted.map(({ target }) => meetingWorkflowId(target.tenantId, target.recordingId));
    for (const line of describeDeferrals(await historyDeferrals(stack.client, aWorkflowIds))) console.log(`[drill] noisy-neighbour A's deferrals: ${line}`);
    if (aReady < aMeetings) failures.push(`only ${aReady} of A's ${aMeetings} cards were ready within ${Math.round(aBoundMs / 1000)} s`);

    const peaks = servicePeaks(stack.emulators, drillStartedAt, anthropicRequestsPerMinute);
    for (const found of peaks) {
      console.log(`[drill] noisy-neighbour peak ${found.limit}: ${found.peak} (limit ${found.allowed}${found.enforced ? '' : ', bursts allowed'}) ${found.key ?? ''}`);
      if (found.enforced && found.peak > found.allowed) failures.push(`${found.limit}: ${found.peak} calls, over the limit of ${found.allowed}`);
    }
    shown.scan();
    console.log(`[drill] noisy-neighbour rep-visible messages checked: ${shown.checked}; failures shown: ${shown.failures.length}; rate-limit mentions not shown as failures: ${shown.rateLimitMentions}`);
    for (const failure of shown.failures.slice(0, 5)) console.log(`[drill]   ${failure.path} ${failure.recordingId ?? ''}: ${failure.excerpt}`);
    if (shown.failures.length > 0) {
      failures.push(`${shown.failures.length} messages showed reps a failure (${shown.failures.filter((failure) => failure.mentionsRateLimit).length} of them a rate limit)`);
    }
    const peakOf = (prefix: string) => peaks.find((found) => found.limit.startsWith(prefix))?.peak;
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'noisy neighbour',
        aMeetings,
        aReps,
        aFollowups: followups,
        bMeetings,
        workers: 3,
        bPrepP99AloneMs: alone.preparation.p99,
        bPrepP99WithAMs: withA.preparation.p99,
        bPrepRatio: preparationRatio,
        bNoteP99AloneMs: alone.clickToNote.p99,
        bNoteP99WithAMs: withA.clickToNote.p99,
        bNoteRatio: noteRatio,
        aReady,
        aSeconds,
        aBoundSeconds: Math.round(aBoundMs / 1000),
        fathomPeakPerMinute: peakOf('fathom'),
        hubSpotPeakPer10s: peakOf('hubspot'),
        anthropicPeakPerMinute: peakOf('anthropic'),
        repVisibleFailures: shown.failures.length,
        loadBAlone: loads.bAloneEnd,
        loadBWithA: loads.bWithAEnd,
        loadAEnd: loads.aEnd,
      },
    };
  } finally {
    await stack.shutdown();
  }
}

