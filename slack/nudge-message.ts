import { escapeMrkdwn } from './block-kit';

/**
 * The reminder posted to a rep who has not acted on a card. The meeting title comes from
 * outside (the calendar, Fathom): escaped, so it can neither mention a channel nor hide a link.
 */
export function nudgeText(repSlackUserId: string, meetingTitle: string): string {
  return `⏰ <@${repSlackUserId}>, the follow-up for “${escapeMrkdwn(meetingTitle)}” is still waiting for you: log the note, create the draft or dismiss it.`;
}
