import { escapeMrkdwn } from './block-kit';
import { cardLabels } from './card-labels';

/**
 * The reminder posted to a rep who has not acted on a card, in their Slack locale. The meeting
 * title comes from outside (the calendar, Fathom): escaped, so it can neither mention a channel
 * nor hide a link.
 */
export function nudgeText(repSlackUserId: string, meetingTitle: string, locale: string | null): string {
  return cardLabels(locale).nudge(`<@${repSlackUserId}>`, escapeMrkdwn(meetingTitle));
}
