/**
 * The fast tier's only root hook: stops the time-skipping test servers the tests started.
 * Nothing is started up front (see ../support/time-skipping-stack.ts).
 */
import { stopTimeSkippingServers } from '../support/time-skipping-stack';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopTimeSkippingServers();
  },
};
