/**
 * Meetings waiting for a click: each one a Fathom recording in the emulator, started by the rep's
 * `/followup <link>` through the real API, ready once its card in Slack offers "Log to CRM".
 * Meetings take turns over the seeded workspaces; each gets its own channel so its card is found
 * without scanning the others.
 */
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { cardActions } from '../../slack/action-ids';
import type { BenchStack } from './bench-stack';
import { postRaw } from './http';
import type { ClickTarget } from './slack-traffic';
import { signedFollowupCommand } from './slack-traffic';

/**
 * How long preparation may go without a single new card before it counts as stuck. A bound on the
 * whole would fail a large preparation that is merely paced: Claude's stated rate (the emulator's
 * 50 requests a minute, which the shared limiter keeps to) makes 550 meetings take ~12 minutes.
 */
const STALL_TIMEOUT_MS = 3 * 60_000;
const COMMAND_ATTEMPTS = 120;
let nextMeeting = 1;

/** What preparing meetings needs of a running stack (the bench stack or the drill stack). */
export type MeetingHost = Pick<BenchStack, 'apiUrl' | 'signingSecret' | 'emulators' | 'workspaces'>;

function cardOffersNote(stack: MeetingHost, channelId: string): boolean {
  return stack.emulators.slack.messages(channelId).some((message) => !message.thread_ts && JSON.stringify(message.blocks ?? []).includes(cardActions.logNote));
}

/** Starts `count` meetings, at most `concurrency` being prepared at once, and waits for every card. */
export async function prepareMeetings(stack: MeetingHost, count: number, options: { concurrency?: number; label?: string } = {}): Promise<ClickTarget[]> {
  const concurrency = options.concurrency ?? 20;
  const started = Date.now();
  const targets: ClickTarget[] = [];
  const pending = new Set<ClickTarget>();
  let ready = 0;
  let lastReport = Date.now();
  let lastProgressAt = Date.now();

  const startOne = async (): Promise<void> => {
    const number = nextMeeting++;
    const workspace = stack.workspaces[number % stack.workspaces.length]!;
    // Recorded by this workspace's rep: Fathom lists a meeting only to its recorder's account.
    const meeting = stack.emulators.fathom.addMeeting(sampleMeeting({ recording_id: 7_000_000 + number }, { repEmail: workspace.rep.email }));
    const target: ClickTarget = {
      tenantId: workspace.tenant.id,
      teamId: workspace.teamId,
      userId: workspace.rep.slackUserId,
      channelId: `C0BENCH${number}`,
      recordingId: String(meeting.recording_id),
    };
    // A channel of its own per meeting, which the app was invited to, so each card is found by channel.
    stack.emulators.slack.addChannel({ id: target.channelId, teamId: workspace.teamId, name: `bench-${number}`, botIsMember: true, memberIds: [workspace.rep.slackUserId] });
    // Like a rep, type the command again when the answer says "try again" (a drill may have Temporal down).
    for (let attempt = 1; ; attempt++) {
      const command = signedFollowupCommand(stack.signingSecret, stack.emulators.slack, target, meeting.url);
      const answer = await postRaw(`${stack.apiUrl}${command.path}`, command.headers, command.body);
      if (answer.body.includes('⛔')) throw new Error(`/followup refused: ${answer.body.slice(0, 300)}`);
      if (answer.status === 200 && !answer.body.includes('⚠️')) break;
      if (attempt >= COMMAND_ATTEMPTS) throw new Error(`/followup answered ${answer.status} ${answer.error ?? answer.body.slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    targets.push(target);
    pending.add(target);
  };

  while (ready < count) {
    while (pending.size < concurrency && targets.length < count) await startOne();
    for (const target of [...pending]) {
      if (cardOffersNote(stack, target.channelId)) {
        pending.delete(target);
        ready += 1;
        lastProgressAt = Date.now();
      }
    }
    if (Date.now() - lastProgressAt > STALL_TIMEOUT_MS) throw new Error(`only ${ready} of ${count} meetings got their card: none in the last ${STALL_TIMEOUT_MS / 1000} s`);
    if (Date.now() - lastReport > 10_000) {
      console.log(`[bench] ${options.label ?? 'meetings'}: ${ready}/${count} cards ready`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`[bench] ${options.label ?? 'meetings'}: ${count} cards ready in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} meetings/s)`);
  return targets;
}
