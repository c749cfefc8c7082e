/**
 * Baseline of the click-to-note benchmark, measured in the same run: workflows that each take one
 * update whose handler runs one activity making one HTTP call to an emulator (the Slack emulator's
 * auth.test), at the clicks' rate, timed from the intended send time to the update's result.
 * Everything the product adds to a click (Slack's signature, the API, the meeting's rules, the
 * activity's database work and CRM calls) is missing here. Its worker runs in the bench process,
 * beside the load generator and the emulators, with the app's data converter. Its worker is new
 * (bundled at start), so the benchmark warms it up with rounds it does not count, as it warms the
 * product's path up with clicks it does not count.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { encryptedDataConverter, payloadCodecFor } from '../../runtime/data-converter';
import { connectTemporalWorker } from '../../wiring/temporal-connection';
import type { BenchStack } from './bench-stack';
import { installBenchRuntime } from './bench-runtime';
import { bareRoundTrip, finishSignal, roundTripUpdate, type BareRoundTripActivities } from './bare-round-trip-workflow';
import { runOpenLoad, type OpenLoadRun } from './open-load';

const taskQueue = 'bench-bare-round-trip';

export interface BareRoundTrips {
  /** `count` fresh workflows, one update each at `ratePerSecond`. */
  run(count: number, ratePerSecond: number): Promise<OpenLoadRun<'done' | string>>;
  close(): Promise<void>;
}

export async function startBareRoundTrips(stack: BenchStack): Promise<BareRoundTrips> {
  installBenchRuntime();
  const emulatorUrl = `${stack.emulators.slack.url}/api/auth.test`;
  const activities: BareRoundTripActivities = {
    async callEmulator() {
      const response = await fetch(emulatorUrl, { method: 'POST' });
      await response.arrayBuffer();
      return response.status;
    },
  };
  const connection = await connectTemporalWorker(stack.config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: stack.config.temporal.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'bare-round-trip-workflow.ts'),
    activities,
    dataConverter: encryptedDataConverter(payloadCodecFor(stack.config.payloadCodec)),
  });
  const running = worker.run();
  const started: { signal: (definition: typeof finishSignal) => Promise<void> }[] = [];
  return {
    async run(count, ratePerSecond) {
      const prefix = `bench-bare-${randomUUID()}`;
      const handles = await Promise.all(
        Array.from({ length: count }, (_, index) => stack.client.workflow.start(bareRoundTrip, { workflowId: `${prefix}-${index}`, taskQueue })),
      );
      started.push(...handles);
      return runOpenLoad({
        ratePerSecond,
        durationMs: (count / ratePerSecond) * 1000,
        request: async (index) => {
          try {
            await handles[index]!.executeUpdate(roundTripUpdate);
            return 'done';
          } catch (error) {
            return (error as Error).message?.slice(0, 120) ?? String(error);
          }
        },
      });
    },
    async close() {
      await Promise.all(started.map((handle) => handle.signal(finishSignal).catch(() => {})));
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
