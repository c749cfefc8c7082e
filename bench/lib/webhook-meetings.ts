/**
 * Many meetings waiting for clicks, started the cheapest faithful way: the rep's signed Fathom
 * "new meeting content ready" webhook through the real API (api/triggers/fathom-webhook.ts), which
 * stores the transcript it carries and starts the meeting workflow exactly as /followup does.
 * loadMeeting then finds the transcript stored and never calls Fathom, so the worker's Fathom
 * pacing (60 calls/min per account) does not cap the rate. A meeting is ready once its card in
 * the rep's Slack DM offers "Log to CRM" (bench/lib/slack-cards.ts).
 */
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { signFathomWebhook } from '../../emulators/fathom-webhook-signer';
import type { EmulatedWorkspace } from '../../emulators/seed-workspace';
import type { BenchStack } from './bench-stack';
import { postRaw } from './http';
import { SlackCards } from './slack-cards';
import type { ClickTarget } from './slack-traffic';

/** Recording ids of these meetings: apart from bench/lib/meetings.ts' (7,000,000 + n). */
const FIRST_RECORDING_ID = 8_000_000;
const DELIVERY_ATTEMPTS = 10;
const POLL_MS = 200;

export interface AddProgress {
  ready: number;
  wanted: number;
  elapsedSeconds: number;
}

export interface AddOutcome {
  /** Meetings whose card offers "Log to CRM". */
  ready: number;
  seconds: number;
  /** Why adding stopped before every meeting was ready, if it did. */
  stoppedBecause?: string;
}

export class WebhookMeetings {
  /** Every meeting started, oldest first. */
  readonly started: ClickTarget[] = [];
  private readonly cards: SlackCards;

  constructor(private readonly stack: BenchStack) {
    this.cards = new SlackCards(stack.emulators.slack);
  }

  isReady(target: ClickTarget): boolean {
    return this.cards.offersNote(target.recordingId);
  }

  /**
   * Starts `count` more meetings, at most `concurrency` without a card at once, until all have a
   * card or `stopReason` (asked about every poll) gives a reason to stop.
   */
  async add(count: number, options: { concurrency: number; stopReason: (progress: AddProgress) => string | undefined; label: string }): Promise<AddOutcome> {
    const startedAt = Date.now();
    const first = this.started.length;
    const waiting = new Set<ClickTarget>();
    let ready = 0;
    let lastReport = startedAt;
    for (;;) {
      while (waiting.size < options.concurrency && this.started.length - first < count) waiting.add(await this.startOne());
      for (const target of waiting) {
        if (!this.cards.offersNote(target.recordingId)) continue;
        waiting.delete(target);
        ready += 1;
      }
      const elapsedSeconds = (Date.now() - startedAt) / 1000;
      if (ready === count) return { ready, seconds: elapsedSeconds };
      const stoppedBecause = options.stopReason({ ready, wanted: count, elapsedSeconds });
      if (stoppedBecause) return { ready, seconds: elapsedSeconds, stoppedBecause };
      if (Date.now() - lastReport > 15_000) {
        console.log(`[bench] ${options.label}: ${ready}/${count} cards ready after ${elapsedSeconds.toFixed(0)} s (${(ready / elapsedSeconds).toFixed(1)}/s)`);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** One meeting, on the workspaces in turn, delivered as Fathom does. */
  private async startOne(): Promise<ClickTarget> {
    const number = this.started.length;
    const workspace = this.stack.workspaces[number % this.stack.workspaces.length]!;
    const meeting = this.stack.emulators.fathom.addMeeting(sampleMeeting({ recording_id: FIRST_RECORDING_ID + number }, { repEmail: workspace.rep.email }));
    await deliverFathomWebhook(this.stack, workspace, JSON.stringify(meeting));
    const target: ClickTarget = {
      tenantId: workspace.tenant.id,
      teamId: workspace.teamId,
      userId: workspace.rep.slackUserId,
      channelId: this.stack.emulators.slack.directMessageChannel(workspace.rep.slackUserId),
      recordingId: String(meeting.recording_id),
    };
    this.started.push(target);
    return target;
  }
}

/** The rep's signed "new meeting content ready" webhook, redelivered on a 5xx or no answer as Fathom does. */
export async function deliverFathomWebhook(stack: Pick<BenchStack, 'apiUrl'>, workspace: EmulatedWorkspace, body: string): Promise<void> {
  const signed = signFathomWebhook({ secret: workspace.rep.fathomWebhookSecret, body });
  for (let attempt = 1; ; attempt++) {
    const answer = await postRaw(`${stack.apiUrl}/webhooks/fathom/${workspace.rep.userId}`, signed.headers, body);
    if (answer.status === 200) return;
    if ((answer.status > 0 && answer.status < 500) || attempt >= DELIVERY_ATTEMPTS) throw new Error(`Fathom webhook answered ${answer.status} ${answer.error ?? answer.body.slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
