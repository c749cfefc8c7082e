/**
 * Drill 7: kill -9 one of two API processes while signed clicks arrive at a constant rate. After
 * DRILL_KILL_API_AFTER clicks were answered, the next click is sent but for its last byte, and the
 * API process holding its connection (found by the connection's port in /proc) is killed while
 * that click is certainly mid-request; api/cluster.ts starts a replacement. A click whose connection breaks is
 * resent as Slack resends: the same body, signed afresh (a new timestamp; the API refuses a
 * signature it has seen as a replay), with X-Slack-Retry-Num, up to Slack's 3 retries. A click
 * still not taken (503, or retries used up) is clicked again by the rep.
 * Passes when the kill really broke clicks in flight, every click was taken in the end, every
 * meeting's note, draft and event are done without any further click, and no CRM note, Gmail
 * draft or calendar event exists twice (from the emulators' own records).
 */
import http from 'node:http';
import { cardActions } from '../../slack/action-ids';
import { meetingWorkflowId, statusQuery } from '../../workflows/messages';
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { establishedConnections } from '../lib/open-sockets';
import { runOpenLoad } from '../lib/open-load';
import { signSlackRequest } from '../../emulators/slack-request-signer';
import { signedClick, type ClickTarget, type SignedRequest } from '../lib/slack-traffic';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { countSideEffects, drilledActions } from './meeting-outcomes';

const SLACK_RETRIES = 3;
/** Slack's first redelivery comes after about a second; a new second also means a new signature. */
const SLACK_RETRY_DELAY_MS = 1_100;
const REP_CLICKS = 10;
const buttons = { note: cardActions.logNote, draft: cardActions.createDraft, event: cardActions.scheduleEvent } as const;

interface ClickOutcome {
  taken: boolean;
  connectionErrors: number;
  slackRetries: number;
  /** Answers other than 200 and 503 (e.g. 409 for a replayed signature): each makes the rep click again. */
  otherRefusals: number;
  unavailable: number;
  repClicks: number;
}

interface Kill {
  pid: number;
  /** Connections open on the victim at the kill. */
  openAtKill: number;
  atAnswered: number;
}

export async function killApiDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 40));
  const rate = numberFromEnv('DRILL_KILL_API_RATE', 10);
  const killAfter = Math.round(numberFromEnv('DRILL_KILL_API_AFTER', 20));
  const stack = await startDrillStack({ apiProcesses: 2 });
  const apiPort = Number(new URL(stack.apiUrl).port);
  const started = Date.now();
  try {
    const targets = await prepareMeetings(stack, meetings, { label: 'kill-api drill meetings', concurrency: 10 });
    const clicks = targets.flatMap((target) => drilledActions.map((kind) => ({ target, kind })));
    const processesBefore = stack.apiProcessIds();
    if (processesBefore.length !== 2) throw new Error(`expected 2 API processes, found ${processesBefore.length}`);

    let answered = 0;
    let kill: Kill | undefined;
    let holdTaken = false;
    // Event-triggered, not timed: once `killAfter` clicks were answered, the next click is sent but
    // for its last byte, so the API process that took its connection is certainly mid-request, and
    // that process is killed. (Killing whichever process merely showed an open connection could
    // land after the answer was written: the drill then broke no click at 10 meetings.)
    const holdForKill = (): HoldOpen | undefined => {
      if (holdTaken || answered < killAfter) return undefined;
      holdTaken = true;
      return async (clientPort) => {
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          for (const pid of stack.apiProcessIds()) {
            if (establishedConnections(pid, apiPort, clientPort) === 0) continue;
            const open = establishedConnections(pid, apiPort);
            process.kill(pid, 'SIGKILL');
            kill = { pid, openAtKill: open, atAnswered: answered };
            console.log(`[drill] kill -9 API process ${pid} holding a click mid-request (${open} connection(s) open), after ${answered} answered`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
    };
    const run = await runOpenLoad({
      ratePerSecond: rate,
      durationMs: (clicks.length / rate) * 1000,
      request: async (index) => {
        const { target, kind } = clicks[index]!;
        const outcome = await clickUntilTaken(stack, target, buttons[kind], `kill-api-${kind}-${target.recordingId}`, holdForKill());
        answered += 1;
        return outcome;
      },
    });
    const outcomes = run.samples.map((sample) => sample.outcome);
    const sum = (pick: (outcome: ClickOutcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
    const notTaken = outcomes.filter((outcome) => !outcome.taken).length;

    const finished = await waitUntilDone(stack, targets, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 5 * 60_000));
    const effects = countSideEffects(stack, targets);
    const replaced = await waitForProcessCount(stack, 2, 30_000);

    const failures: string[] = [];
    if (!kill) failures.push('no API process was found holding the held click: nothing was killed');
    if (kill && sum((outcome) => outcome.connectionErrors) === 0) failures.push('the kill broke no click in flight (no connection error): it did not test what it should');
    if (notTaken) failures.push(`${notTaken} clicks were never taken`);
    if (finished < targets.length) failures.push(`${targets.length - finished} meetings did not finish note, draft and event without further clicks`);
    if (effects.duplicateNotes || effects.duplicateDrafts || effects.duplicateEvents) failures.push(`duplicates: ${effects.duplicateNotes} notes, ${effects.duplicateDrafts} drafts, ${effects.duplicateEvents} events`);
    if (effects.notes !== targets.length || effects.drafts !== targets.length || effects.events !== targets.length) {
      failures.push(`expected one note, draft and event per meeting (${targets.length}): ${effects.notes} notes, ${effects.drafts} drafts, ${effects.events} events`);
    }
    if (!replaced) failures.push('the killed API process was not replaced');
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'kill -9 one of 2 API processes',
        seconds: Math.round((Date.now() - started) / 1000),
        clicks: clicks.length,
        clicksPerSecond: rate,
        openOnVictimAtKill: kill?.openAtKill ?? 0,
        killedAfterAnswered: kill?.atAnswered ?? 0,
        connectionErrors: sum((outcome) => outcome.connectionErrors),
        slackRetries: sum((outcome) => outcome.slackRetries),
        answered503: sum((outcome) => outcome.unavailable),
        otherRefusals: sum((outcome) => outcome.otherRefusals),
        repClicksAgain: sum((outcome) => outcome.repClicks),
        meetings: targets.length,
        finished,
        ...effects,
      },
    };
  } finally {
    await stack.shutdown();
  }
}

/**
 * One click as Slack and the rep make it: a broken connection is resent as Slack resends (same
 * request, X-Slack-Retry-Num 1..3); an answer other than 200, or retries used up, and the rep
 * clicks again (a new request).
 */
async function clickUntilTaken(stack: DrillStack, target: ClickTarget, actionId: string, id: string, hold?: HoldOpen): Promise<ClickOutcome> {
  const outcome: ClickOutcome = { taken: false, connectionErrors: 0, slackRetries: 0, otherRefusals: 0, unavailable: 0, repClicks: 0 };
  for (let repClick = 0; repClick < REP_CLICKS && !outcome.taken; repClick++) {
    if (repClick > 0) {
      outcome.repClicks += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const request = signedClick(stack.signingSecret, stack.emulators.slack, target, `${id}-${repClick}`, actionId);
    for (let retry = 0; retry <= SLACK_RETRIES; retry++) {
      if (retry > 0) {
        outcome.slackRetries += 1;
        await new Promise((resolve) => setTimeout(resolve, SLACK_RETRY_DELAY_MS));
      }
      const signed = retry === 0 ? request : { ...request, headers: { ...request.headers, ...signSlackRequest({ signingSecret: stack.signingSecret, body: request.body }).headers } };
      const status = await postOnOwnConnection(stack.apiUrl, signed, retry, repClick === 0 && retry === 0 ? hold : undefined);
      if (status === 200) {
        outcome.taken = true;
        break;
      }
      if (status !== 0) {
        if (status === 503) outcome.unavailable += 1;
        else outcome.otherRefusals += 1;
        break;
      }
      outcome.connectionErrors += 1;
    }
  }
  return outcome;
}

/** Called with the client port of a request sent but for its last byte; the byte follows once it returns. */
type HoldOpen = (clientPort: number) => Promise<void>;

/** POSTs on a connection of its own (no keep-alive); 0 when the connection broke. */
function postOnOwnConnection(apiUrl: string, request: SignedRequest, retryNumber: number, hold?: HoldOpen): Promise<number> {
  const body = Buffer.from(request.body);
  const headers: Record<string, string> = { ...request.headers, 'content-length': String(body.length) };
  if (retryNumber > 0) Object.assign(headers, { 'x-slack-retry-num': String(retryNumber), 'x-slack-retry-reason': 'http_error' });
  return new Promise((resolve) => {
    const call = http.request(`${apiUrl}${request.path}`, { method: 'POST', agent: false, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    call.setTimeout(10_000, () => call.destroy(new Error('no answer')));
    call.on('error', () => resolve(0));
    if (!hold) {
      call.end(body);
      return;
    }
    call.write(body.subarray(0, -1));
    call.on('socket', (socket) => {
      socket.once('connect', () => {
        void hold(socket.localPort!).then(() => {
          // The process holding it is gone (the connection breaks) or was never found (the byte completes the click).
          if (!socket.destroyed) call.end(body.subarray(-1));
        });
      });
    });
  });
}

/** How many meetings reach note, draft and event done, asking Temporal only (no click). */
async function waitUntilDone(stack: DrillStack, targets: ClickTarget[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const done = new Set<ClickTarget>();
  while (done.size < targets.length && Date.now() < deadline) {
    for (const target of targets) {
      if (done.has(target)) continue;
      const state = await stack.client.workflow
        .getHandle(meetingWorkflowId(target.tenantId, target.recordingId))
        .query(statusQuery)
        .catch(() => undefined);
      if (state && drilledActions.every((kind) => state.actions[kind].status === 'done')) done.add(target);
    }
    if (done.size < targets.length) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return done.size;
}

async function waitForProcessCount(stack: DrillStack, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack.apiProcessIds().length === count) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
