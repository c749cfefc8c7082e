import type { ActionFailure } from '../domain/meeting';
import { escapeMrkdwn, truncate } from './block-kit';

/**
 * What the rep reads when Slack does not take their follow-up card: what happened, whether we keep
 * trying, and what they (or an admin) can do. `failure.message` is already a sentence for people;
 * the title is the meeting's own (outside text), escaped like every title the app shows.
 */
export function undeliveredCardText(input: { title: string; failure: ActionFailure; cardPosted: boolean }): string {
  const what = `${input.cardPosted ? 'update' : 'post'} the follow-up card for “${escapeMrkdwn(truncate(input.title, 200))}”`;
  switch (input.failure.kind) {
    case 'reconnect':
      return (
        `⚠️ I couldn’t ${what}: Slack no longer accepts this app’s token. ` +
        'Ask a workspace admin to reinstall the app; the meeting is kept and listed under “Needs attention” until then.'
      );
    case 'retryable':
      return (
        `⚠️ Slack is not taking my messages right now, so I couldn’t ${what}. ` +
        'I’ll keep trying on my own; nothing is lost, and the card will show the latest state once Slack answers again.'
      );
    default:
      return `⚠️ Slack refused to ${what}: ${input.failure.message} The meeting is listed under “Needs attention” so an admin can look into it.`;
  }
}
