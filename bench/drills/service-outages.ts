/**
 * The outside services' outages, one drill each (bench/README.md "Fault drills"): what fails,
 * when, for how long, and what the rep must read about it. The runner is service-outage-drill.ts.
 */
import { googleError } from '../../emulators/google-api-errors';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { emulatorOutage, serviceOutageDrill } from './service-outage-drill';

/** How long each phase of an outage lasts. */
const phaseMs = (): number => numberFromEnv('DRILL_OUTAGE_PHASE_MS', 30_000);
/** Rep-facing words of a failure after the product's own retries: the service, and press Retry. */
const namesServiceAndRetry = (service: string): RegExp => new RegExp(`(${service}|did not answer in time).*press Retry`);

/** Slack's chat.postMessage and chat.update answer 503, then 429 with Retry-After: cards are late, never doubled, and end right. */
export function slackOutageDrill(): Promise<DrillResult> {
  return serviceOutageDrill({
    label: 'Slack down: 503, then 429 storm',
    setUp: emulatorOutage((stack) => stack.emulators.slack, { method: 'POST', path: /^\/api\/chat\.(postMessage|update)$/ }, [
      { name: '503', durationMs: phaseMs(), fault: { status: 503, body: '<html><body>Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } } },
      { name: '429', durationMs: phaseMs(), fault: { status: 429, headers: { 'retry-after': '5' }, body: { ok: false, error: 'ratelimited' } } },
    ]),
    startsWhen: 'preparing',
    repIsTold: namesServiceAndRetry('Slack'),
  });
}

/** Gmail and Calendar answer 503 while the rep's clicks create drafts and events. */
export function googleOutageDrill(): Promise<DrillResult> {
  return serviceOutageDrill({
    label: 'Google down: Gmail and Calendar 503',
    setUp: emulatorOutage((stack) => stack.emulators.google, { path: /^\/(gmail|calendar)\// }, [
      { name: '503', durationMs: 2 * phaseMs(), fault: googleError(503, 'backendError', 'The service is currently unavailable.') },
    ]),
    startsWhen: 'acting',
    repIsTold: namesServiceAndRetry('Gmail|Google Calendar|Google'),
  });
}

/**
 * Claude answers 529 overloaded, then hangs past the client's 120 s deadline for a few calls:
 * cards keep saying "Preparing" while drafting retries, and say what happened when it gives up.
 */
export function anthropicOutageDrill(): Promise<DrillResult> {
  const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
  return serviceOutageDrill({
    label: 'Claude down: 529, then timeouts',
    setUp: emulatorOutage((stack) => stack.emulators.anthropic, { method: 'POST', path: /^\/v1\/messages$/ }, [
      { name: '529', durationMs: phaseMs(), fault: { status: 529, body: overloaded } },
      { name: 'timeout', durationMs: phaseMs(), times: 3, fault: { status: 0, delayMs: numberFromEnv('DRILL_ANTHROPIC_HANG_MS', 125_000), destroySocket: true } },
    ]),
    startsWhen: 'preparing',
    repIsTold: namesServiceAndRetry('Claude'),
  });
}

/** Fathom answers 429 with RateLimit-Reset, then 502, while meetings are loaded. */
export function fathomOutageDrill(): Promise<DrillResult> {
  const resetSeconds = 10;
  return serviceOutageDrill({
    label: 'Fathom down: 429 with RateLimit-Reset, then 502',
    setUp: emulatorOutage((stack) => stack.emulators.fathom, { method: 'GET', path: /^\/external\/v1\// }, [
      {
        name: '429',
        durationMs: phaseMs(),
        fault: { status: 429, headers: { 'ratelimit-limit': '60', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetSeconds) }, body: { error: 'Rate limit exceeded' } },
      },
      { name: '502', durationMs: phaseMs(), fault: { status: 502, body: { error: 'Bad Gateway' } } },
    ]),
    startsWhen: 'preparing',
    repIsTold: namesServiceAndRetry('Fathom'),
  });
}
