/**
 * One outside service goes down while meetings run, starting on an event (a third of the cards
 * are out, or a third of the meetings were clicked), in phases (e.g. 5xx, then a 429 storm), then
 * comes back. The rep is played as in every drill (meeting-outcomes.ts), plus the card's Retry
 * when preparation gave up. Passes when the outage met work in flight, every meeting finished
 * with each note, draft and event once, each meeting has one card whose every update edited that
 * card and which ends showing the final state, every failure the rep saw names the service in
 * words they can act on, and no meeting is left marked "card undelivered".
 */
import { cardActions } from '../../slack/action-ids';
import type { HttpEmulator } from '../../emulators/http-emulator';
import type { SlackEmulator } from '../../emulators/slack-emulator';
import { meetingWorkflowId, meetingStatusSearchAttribute, statusQuery } from '../../workflows/messages';
import type { MeetingState } from '../../domain/meeting';
import { startDrillStack, type DrillStack, type DrillStackOptions } from '../lib/drill-stack';
import { postRaw } from '../lib/http';
import { prepareMeetings } from '../lib/meetings';
import { startServiceOutage, type OutagePhase, type ServiceOutage } from '../lib/service-outage';
import { signedClick, type ClickTarget } from '../lib/slack-traffic';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { clickEveryAction, meetingOutcomes, outcomeFailures } from './meeting-outcomes';

/** How a drill takes its service down: options for the stack it needs, and the outage itself. */
export interface OutageSetup {
  stackOptions?: DrillStackOptions;
  start(stack: DrillStack): ServiceOutage;
  tearDown?(): Promise<void>;
}

/** An outage of one emulator, in phases, through its fault switch. */
export function emulatorOutage(emulator: (stack: DrillStack) => HttpEmulator, match: { method?: string; path: RegExp }, phases: OutagePhase[]): () => Promise<OutageSetup> {
  return async () => ({ start: (stack) => startServiceOutage(emulator(stack), match, phases) });
}

export interface ServiceOutageSpec {
  /** For the report, e.g. "Google down: 503". */
  label: string;
  setUp: () => Promise<OutageSetup>;
  /** 'preparing': once a third of the cards are out, before the rest are typed (hits loading, drafting, card posts); 'acting': once a third of the meetings were clicked. */
  startsWhen: 'preparing' | 'acting';
  /** What a failure line the rep sees during this outage must say (the service's name, what happens next). */
  repIsTold: RegExp;
}

const cardBodyPath = /^\/api\/chat\.(postMessage|update)$/;

export async function serviceOutageDrill(spec: ServiceOutageSpec): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_MEETINGS', 100));
  const setup = await spec.setUp();
  const stack = await startDrillStack(setup.stackOptions).catch(async (error: unknown) => {
    await setup.tearDown?.();
    throw error;
  });
  const started = Date.now();
  let outage: ServiceOutage | undefined;
  const startOutage = (): void => {
    if (outage) return;
    console.log(`[drill] ${spec.label}: the outage starts`);
    outage = setup.start(stack);
  };
  let stopping = false;
  const rep = retryFailedPreparations(stack, () => stopping);
  try {
    // A third of the meetings first; the rest are typed once a 'preparing' outage is on, so it meets their loading and drafting.
    const third = Math.ceil(meetings / 3);
    const targets = await prepareMeetings(stack, third, { label: `${spec.label} meetings`, concurrency: 20 });
    if (spec.startsWhen === 'preparing') startOutage();
    targets.push(...(await prepareMeetings(stack, meetings - third, { label: `${spec.label} meetings`, concurrency: 20 })));
    let clickErrors = await clickEveryAction(stack, targets.slice(0, third));
    startOutage();
    clickErrors += await clickEveryAction(stack, targets.slice(third));
    const outcomes = await meetingOutcomes(stack, targets, clickErrors, numberFromEnv('DRILL_FINISH_TIMEOUT_MS', 10 * 60_000));
    await outage!.over;
    const failures = outcomeFailures(outcomes);
    const met = outage!.metRequests();
    const metTotal = Object.values(met).reduce((sum, count) => sum + count, 0);
    if (metTotal === 0) failures.push('the outage met no request: it tested nothing');
    failures.push(...(await cardFailures(stack, targets)));
    failures.push(...repMessageFailures(stack.emulators.slack, targets, spec.repIsTold));
    failures.push(...(await leftoverMarks(stack, targets)));
    const { unfinished: _unfinished, ...counts } = outcomes;
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: spec.label,
        seconds: Math.round((Date.now() - started) / 1000),
        ...Object.fromEntries(Object.entries(met).map(([phase, count]) => [`met ${phase}`, count])),
        preparationRetries: (await rep.clicks()).length,
        repNoticesOfUndeliveredCards: stack.emulators.slack.responseUrlPosts().filter((post) => JSON.stringify(post.body).includes('follow-up card')).length,
        ...counts,
      },
    };
  } finally {
    stopping = true;
    await rep.done;
    await stack.shutdown();
    await setup.tearDown?.();
  }
}

/**
 * The rep's Retry on a card whose preparation gave up (the product's own retries exhausted):
 * found through Temporal's "needs attention" list, as the App Home lists them.
 */
function retryFailedPreparations(stack: DrillStack, isStopping: () => boolean): { done: Promise<void>; clicks(): Promise<string[]> } {
  const clicked: string[] = [];
  const done = (async () => {
    while (!isStopping()) {
      try {
        const query = `${meetingStatusSearchAttribute.name} = "needs-attention" AND ExecutionStatus = "Running"`;
        for await (const workflow of stack.client.workflow.list({ query })) {
          const state = await stack.client.workflow.getHandle(workflow.workflowId).query(statusQuery);
          if (!state.preparationFailure || !state.card) continue;
          const workspace = stack.workspaces.find((candidate) => candidate.tenant.id === state.tenantId);
          if (!workspace) continue;
          const target: ClickTarget = { tenantId: state.tenantId, teamId: workspace.teamId, userId: state.repSlackUserId, channelId: state.card.channel, recordingId: state.recordingId };
          const request = signedClick(stack.signingSecret, stack.emulators.slack, target, `drill-prepare-retry-${state.recordingId}-${clicked.length}`, cardActions.retry);
          const answer = await postRaw(`${stack.apiUrl}${request.path}`, request.headers, request.body);
          if (answer.status === 200) clicked.push(state.recordingId);
        }
      } catch {
        // Temporal or the worker busy: look again on the next round.
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  })();
  return { done, clicks: async () => clicked };
}

interface CardRequest {
  method: string;
  channel: string;
  ts?: string;
  text: string;
}

/** Every card version the app sent Slack for these meetings' channels (taken or refused), in order. */
function cardRequests(slack: SlackEmulator, channels: Set<string>): CardRequest[] {
  return slack.requests
    .filter((request) => request.method === 'POST' && cardBodyPath.test(request.path))
    .map((request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      // @slack/web-api sends a form: blocks arrive as a JSON string.
      const blocks = typeof body.blocks === 'string' ? body.blocks : JSON.stringify(body.blocks ?? []);
      return { method: request.path.slice('/api/'.length), channel: String(body.channel ?? ''), ts: body.ts ? String(body.ts) : undefined, text: `${String(body.text ?? '')} ${blocks}` };
    })
    .filter((request) => channels.has(request.channel));
}

/**
 * One card per meeting, every chat.update aimed at that card, and the card showing the final
 * state (note, draft and event done, nothing in progress or failed) within a few minutes of the end.
 */
async function cardFailures(stack: DrillStack, targets: ClickTarget[]): Promise<string[]> {
  const slack = stack.emulators.slack;
  const failures: string[] = [];
  const deadline = Date.now() + numberFromEnv('DRILL_CARD_SETTLE_MS', 5 * 60_000);
  const stale = (target: ClickTarget): boolean => {
    const card = slack.messages(target.channelId).find((message) => !message.thread_ts);
    const text = JSON.stringify(card?.blocks ?? []);
    return !card || (text.match(/✅/g) ?? []).length < 3 || text.includes('⏳') || text.includes('❌');
  };
  while (targets.some(stale) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2000));
  const staleCards = targets.filter(stale);
  if (staleCards.length) failures.push(`${staleCards.length} cards do not show the final state: ${staleCards.slice(0, 5).map((target) => target.recordingId).join(', ')}`);
  const channels = new Set(targets.map((target) => target.channelId));
  let doubled = 0;
  let misaimed = 0;
  for (const target of targets) {
    const cards = slack.messages(target.channelId).filter((message) => !message.thread_ts);
    if (cards.length !== 1) doubled += 1;
    const ts = cards[0]?.ts;
    misaimed += cardRequests(slack, channels).filter((request) => request.channel === target.channelId && request.method === 'chat.update' && request.ts !== ts).length;
  }
  if (doubled) failures.push(`${doubled} meetings do not have exactly one card`);
  if (misaimed) failures.push(`${misaimed} chat.update calls aimed at another message than the meeting's card`);
  return failures;
}

/**
 * Every failure line a card showed during the drill (❌ …) names the service and says what
 * happens next: the rep is never left with a bare "something went wrong".
 */
function repMessageFailures(slack: SlackEmulator, targets: ClickTarget[], repIsTold: RegExp): string[] {
  const channels = new Set(targets.map((target) => target.channelId));
  const lines = new Set<string>();
  for (const request of cardRequests(slack, channels)) {
    for (const line of request.text.match(/❌[^"\\]*/g) ?? []) lines.add(line);
  }
  const unclear = [...lines].filter((line) => !repIsTold.test(line));
  return unclear.length ? [`${unclear.length} failure lines the rep saw do not say what happened: ${unclear.slice(0, 3).join(' | ')}`] : [];
}

/** No meeting still marked "card undelivered" or with anything in progress. */
async function leftoverMarks(stack: DrillStack, targets: ClickTarget[]): Promise<string[]> {
  let marked = 0;
  let pending = 0;
  for (const target of targets) {
    const state: MeetingState | undefined = await stack.client.workflow
      .getHandle(meetingWorkflowId(target.tenantId, target.recordingId))
      .query(statusQuery)
      .catch(() => undefined);
    if (state?.cardFailure) marked += 1;
    if (state && Object.values(state.actions).some((action) => action.status === 'pending')) pending += 1;
  }
  return [...(marked ? [`${marked} meetings still marked as card undelivered`] : []), ...(pending ? [`${pending} meetings with an action stuck in progress`] : [])];
}
