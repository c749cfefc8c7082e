/**
 * Everything the app showed reps in the Slack emulator (messages posted and edited, ephemeral
 * replies, App Home views, answers to a command's response_url), read from its request records
 * once each, sorted into: cards offering "Log to CRM" (by recording id), failures a rep would see
 * (a Retry button, a ❌ line, a ⚠️ answer), and mentions of a rate limit (a failure when shown as
 * one, otherwise only counted: "the draft will be written shortly" is progress, not a failure).
 */
import type { RecordedRequest } from '../../emulators/http-emulator';
import type { SlackEmulator } from '../../emulators/slack-emulator';
import { cardActions } from '../../slack/action-ids';

const shownToRep = /^\/(api\/(chat\.postMessage|chat\.update|chat\.postEphemeral|views\.publish|views\.update|views\.open)|hooks\/response\/.+)$/;
const failureMarks = /❌|⚠️|⛔/;
const rateLimitWording = /rate.?limit|too many requests|\b429\b|is busy/i;

export interface RepVisibleFailure {
  at: number;
  path: string;
  /** The recording id of the Retry button, when there is one. */
  recordingId?: string;
  excerpt: string;
  mentionsRateLimit: boolean;
}

export class RepVisibleMessages {
  /** Recording ids whose card offers "Log to CRM", with when it first did (the emulator's clock). */
  readonly offeringNote = new Map<string, number>();
  /** Recording ids with a Retry button on a card or in App Home. */
  readonly offeringRetry = new Set<string>();
  readonly failures: RepVisibleFailure[] = [];
  /** Messages that mention a rate limit without showing a failure. */
  rateLimitMentions = 0;
  checked = 0;
  private scanned = 0;

  constructor(private readonly slack: SlackEmulator) {}

  /** Reads the requests the emulator recorded since the last call. */
  scan(): this {
    const { requests } = this.slack;
    for (; this.scanned < requests.length; this.scanned++) {
      const request = requests[this.scanned]!;
      if (request.method === 'POST' && shownToRep.test(request.path)) this.read(request);
    }
    return this;
  }

  private read(request: RecordedRequest): void {
    this.checked += 1;
    const text = JSON.stringify(request.body ?? request.rawBody);
    const buttons = buttonValues(request.body);
    const noteOf = buttons.get(cardActions.logNote);
    if (noteOf && !this.offeringNote.has(noteOf)) this.offeringNote.set(noteOf, request.at);
    // A failed action's Retry carries `<recording id>:<action>`, a failed preparation's the recording id.
    const retryOf = buttons.get(cardActions.retry)?.split(':')[0];
    if (retryOf) this.offeringRetry.add(retryOf);
    const mentionsRateLimit = rateLimitWording.test(text);
    if (retryOf || failureMarks.test(text)) {
      this.failures.push({ at: request.at, path: request.path, recordingId: retryOf, excerpt: excerptAround(text), mentionsRateLimit });
    } else if (mentionsRateLimit) {
      this.rateLimitMentions += 1;
    }
  }
}

/** action_id → value of every button in a body's blocks (JSON-encoded in form posts, as Slack's SDK sends them). */
function buttonValues(body: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.includes('"action_id"')) {
        try {
          visit(JSON.parse(node));
        } catch {
          // Text that merely mentions action_id.
        }
      }
      return;
    }
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (typeof element.action_id === 'string' && typeof element.value === 'string') found.set(element.action_id, element.value);
    Object.values(element).forEach(visit);
  };
  visit(body);
  return found;
}

function excerptAround(text: string): string {
  const at = text.search(/❌|⚠️|⛔|rate.?limit/i);
  return text.slice(Math.max(0, at - 40), Math.max(0, at) + 160);
}
