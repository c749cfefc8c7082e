/**
 * Which meetings have a card offering "Log to CRM" in the Slack emulator, read from its
 * chat.postMessage / chat.update requests, each request once, so following thousands of meetings
 * stays cheap (bench/lib/meetings.ts looks per channel instead, fine for a few hundred).
 */
import type { RecordedRequest } from '../../emulators/http-emulator';
import type { SlackEmulator } from '../../emulators/slack-emulator';
import { cardActions } from '../../slack/action-ids';

const cardPath = /^\/api\/chat\.(postMessage|update)$/;

export class SlackCards {
  private readonly offeringNote = new Set<string>();
  private scanned = 0;

  constructor(private readonly slack: SlackEmulator) {}

  /** Whether the meeting of `recordingId` has a card offering "Log to CRM" yet. */
  offersNote(recordingId: string): boolean {
    const { requests } = this.slack;
    for (; this.scanned < requests.length; this.scanned++) {
      const request = requests[this.scanned]!;
      if (request.method !== 'POST' || !cardPath.test(request.path)) continue;
      const cardOf = logNoteButtonValue(request);
      if (cardOf) this.offeringNote.add(cardOf);
    }
    return this.offeringNote.has(recordingId);
  }
}

/** The value (recording id) of the card's "Log to CRM" button in a chat.postMessage / chat.update call. */
function logNoteButtonValue(request: RecordedRequest): string | undefined {
  const blocks = (request.body as { blocks?: unknown } | undefined)?.blocks;
  if (typeof blocks === 'string' && !blocks.includes(cardActions.logNote)) return undefined;
  const parsed: unknown = typeof blocks === 'string' ? JSON.parse(blocks) : blocks;
  const search = (node: unknown): string | undefined => {
    if (Array.isArray(node)) {
      for (const child of node) {
        const found = search(child);
        if (found) return found;
      }
      return undefined;
    }
    if (typeof node !== 'object' || node === null) return undefined;
    const element = node as Record<string, unknown>;
    if (element.action_id === cardActions.logNote && typeof element.value === 'string') return element.value;
    return search(Object.values(element));
  };
  return search(parsed);
}
