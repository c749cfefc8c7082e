import type { SlackEmulator, SlackMessage } from '../../emulators/slack-emulator';

/** The follow-up card in a channel as the rep sees it now (chat.update edits it in place). */
export function cardMessage(slack: SlackEmulator, channel: string): SlackMessage | undefined {
  return slack.messages(channel).find((message) => !message.thread_ts);
}

export function cardText(slack: SlackEmulator, channel: string): string {
  return JSON.stringify(cardMessage(slack, channel)?.blocks ?? []);
}

export function cardButtons(slack: SlackEmulator, channel: string): string[] {
  return buttonsOf(cardMessage(slack, channel));
}

export function buttonsOf(message: SlackMessage | undefined): string[] {
  const blocks = (message?.blocks ?? []) as { type: string; elements?: { type: string; action_id?: string }[] }[];
  return blocks.flatMap((block) => (block.type === 'actions' ? (block.elements ?? []).map((element) => element.action_id ?? '') : []));
}
