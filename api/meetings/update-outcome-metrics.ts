import { meetingUpdates } from '../../runtime/metrics';

/**
 * The workflow's refusals are sentences for the rep; the metric needs a small closed set of
 * reasons. Unknown sentences count as `other` rather than becoming label values.
 */
const rejectionReasons: [RegExp, string][] = [
  [/another workspace|Only the rep|system actor/, 'not-permitted'],
  [/closed or no longer exists|nothing more can be done/, 'meeting-closed'],
  [/still being prepared|already being processed|are being sent/, 'not-ready'],
  [/already (in progress|done|started)|already been|already sent|already started|was dismissed|Wait until|marked done without invitations/, 'already-handled'],
  [/turned this action off|does not support|Connect your CRM|Pick the CRM account|Schedule the follow-up meeting first/, 'not-available'],
  [/must look like|needs a|cannot be empty|must be a positive|Nothing to change|Nothing was changed|Choose an account|Type part of a name|Search with at most/, 'invalid-input'],
];

export function rejectionReasonOf(message: string): string {
  return rejectionReasons.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}

/** One click's outcome (the gateway's UpdateOutcome): accepted, rejected with the workflow's sentence, pending or unavailable. */
export function countUpdateOutcome(outcome: { status: string; reason?: string }): void {
  meetingUpdates.inc({ outcome: outcome.status, reason: outcome.reason === undefined ? '' : rejectionReasonOf(outcome.reason) });
}
