import type { ActionFailure } from '../domain/meeting';
import { escapeMrkdwn, truncate } from './block-kit';
import { cardLabels } from './card-labels';

/**
 * What the rep reads, in their Slack locale, when Slack does not take their follow-up card: what
 * happened, whether we keep trying, and what they (or an admin) can do. `failure.message` is
 * already a sentence for people; the title is the meeting's own (outside text), escaped like every
 * title the app shows.
 */
export function undeliveredCardText(input: { title: string; failure: ActionFailure; cardPosted: boolean; locale: string | null }): string {
  const labels = cardLabels(input.locale);
  const title = escapeMrkdwn(truncate(input.title, 200));
  switch (input.failure.kind) {
    case 'reconnect':
      return labels.cardUndeliveredReconnect(title, input.cardPosted);
    case 'retryable':
      return labels.cardUndeliveredRetrying(title, input.cardPosted);
    default:
      return labels.cardUndeliveredRefused(title, input.cardPosted, input.failure.message);
  }
}
