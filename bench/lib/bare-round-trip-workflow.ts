/**
 * The bare round trip the click-to-note benchmark compares the product with: an update whose
 * handler runs one activity (one HTTP call to an emulator) and returns. Bundled on its own by
 * bench/lib/bare-round-trip.ts; imports only the workflow API, like the app's workflows.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareRoundTripActivities {
  callEmulator(): Promise<number>;
}

export const roundTripUpdate = defineUpdate<number>('roundTrip');
export const finishSignal = defineSignal('finish');

const { callEmulator } = proxyActivities<BareRoundTripActivities>({ startToCloseTimeout: '30 seconds' });

export async function bareRoundTrip(): Promise<void> {
  let finished = false;
  setHandler(roundTripUpdate, () => callEmulator());
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}
