/**
 * The failure type of an activity attempt that our own shared rate limiter sent away before it
 * called anything: not a failure of the service, only "not your turn yet, come back in `waitMs`".
 * The activity reports it as non-retryable so it spends no attempt of its retry policy, and the
 * workflow waits the turn out on a timer and schedules the activity again
 * (workflows/rate-limit-waits.ts): a burst of 500 meetings on one account waits as long as it
 * must, while the policy's attempts still count only real failures.
 */
export const rateLimitDeferralType = 'rate-limit-deferral';

/** What the deferral carries in its failure details. */
export interface RateLimitDeferralDetails {
  service: string;
  detail: string | null;
  waitMs: number;
}
