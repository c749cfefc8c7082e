import assert from 'node:assert/strict';
import { InProcessRateLimitStore } from '../../../clients/in-process-rate-limit-store';
import { slackPostMessagePerChannelRate } from '../../../clients/service-rate-limits';
import { RollingWindowLimit } from '../../../emulators/rolling-window-limit';

describe('Slack posts to one channel', () => {
  it('are paced so Slack refuses none of a burst, though some arrive up to 500 ms after their turn', async () => {
    const now = 0;
    const ourTurns = new InProcessRateLimitStore(() => now);
    // Slack's "about one message a second per channel, short bursts allowed", as the emulator counts it.
    const slack = new RollingWindowLimit(3, 3_000);
    const arrivals: number[] = [];
    for (let post = 0; post < 60; post += 1) {
      // The whole burst asks at once; each post is told its turn, sent then, and every fourth arrives late.
      const { waitMs } = await ourTurns.take('channel', slackPostMessagePerChannelRate, 1, Number.POSITIVE_INFINITY);
      arrivals.push(now + waitMs + (post % 4 === 0 ? 500 : 0));
    }
    for (const arrivedAt of arrivals.sort((a, b) => a - b)) slack.admit('channel', arrivedAt);
    assert.equal(slack.refused, 0);
  });
});
