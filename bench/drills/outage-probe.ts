/**
 * Genuine signed Slack traffic at a steady rate while a dependency is taken down: a rep's repeated
 * "Log to CRM" click and `/followup <recording>` in turns, plus a GET /livez and /readyz per request, each
 * recorded with its status and its latency from its intended send time (open model: a server that
 * stalls shows it in the figures instead of slowing the probe).
 */
import { cardActions } from '../../slack/action-ids';
import type { DrillStack } from '../lib/drill-stack';
import { getStatus, postRaw, type HttpAnswer } from '../lib/http';
import { signedClick, signedFollowupCommand, type ClickTarget } from '../lib/slack-traffic';

export type ProbeKind = 'click' | 'command' | 'livez' | 'readyz';

/** The health probes: only their `status` counts. */
export const healthProbes: readonly ProbeKind[] = ['livez', 'readyz'];

/** What an answer means to the rep: work taken, told to try again (503, or a command's ⚠️ reply), anything else, or nothing. */
export type AnswerClass = 'taken' | 'told to retry' | 'other status' | 'no answer';

export interface ProbeAnswer {
  kind: ProbeKind;
  /** When it was due to be sent (Date.now()); latency counts from here. */
  dueAt: number;
  answeredAt: number;
  status: number;
  /** For the health probes only `status` counts. */
  answer: AnswerClass;
}

export interface OutageProbe {
  /** Stops sending and resolves with every answer once the last one is in. */
  stop(): Promise<ProbeAnswer[]>;
}

function classify(kind: ProbeKind, answer: HttpAnswer): AnswerClass {
  if (answer.status === 0) return 'no answer';
  if (answer.status === 503) return 'told to retry';
  if (answer.status !== 200) return 'other status';
  // A slash command is only shown to the rep with a 200, so "nothing was done" comes as a ⚠️ reply.
  return kind === 'command' && answer.body.includes('⚠️') ? 'told to retry' : 'taken';
}

export function startOutageProbe(stack: DrillStack, targets: ClickTarget[], ratePerSecond: number): OutageProbe {
  const answers: ProbeAnswer[] = [];
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / ratePerSecond;
  const startedAt = Date.now();
  let running = true;

  const send = (kind: ProbeKind, dueAt: number, request: () => Promise<HttpAnswer>): void => {
    const answered = request().then((answer) => {
      answers.push({ kind, dueAt, answeredAt: Date.now(), status: answer.status, answer: classify(kind, answer) });
    });
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
  };

  const loop = (async () => {
    for (let sequence = 0; running; sequence++) {
      const dueAt = startedAt + sequence * intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now())));
      if (!running) break;
      const target = targets[Math.floor(sequence / 2) % targets.length]!;
      if (sequence % 2 === 0) {
        const click = signedClick(stack.signingSecret, stack.emulators.slack, target, `outage-probe-${sequence}`, cardActions.logNote);
        send('click', dueAt, () => postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body));
      } else {
        const command = signedFollowupCommand(stack.signingSecret, stack.emulators.slack, target, target.recordingId);
        send('command', dueAt, () => postRaw(`${stack.apiUrl}${command.path}`, command.headers, command.body));
      }
      for (const probe of ['livez', 'readyz'] as const) send(probe, dueAt, async () => ({ status: await getStatus(`${stack.apiUrl}/${probe}`), body: '' }));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return answers;
    },
  };
}
