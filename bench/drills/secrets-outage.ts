/**
 * AWS Secrets Manager goes away while the rep's clicks run: the app runs on the AWS secret store
 * (moto, as the tests use it) behind a proxy that answers every call with a failure (500, 429, a
 * hang, a lost answer) for the outage, then forwards again. Nothing in secrets/ caches a secret,
 * so every action needing a token meets the outage; they fail retryably and resume after it.
 */
import { startMotoServer, type RunningMotoServer } from '../../test/secrets/moto-server';
import { startFlakyProxy, type FlakyProxy } from '../lib/flaky-proxy';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { serviceOutageDrill, type OutageSetup } from './service-outage-drill';

async function secretStoreOutage(): Promise<OutageSetup> {
  const moto: RunningMotoServer = await startMotoServer();
  let proxy: FlakyProxy | undefined;
  try {
    // Shorter than the SDK's patience, so a hung call fails as the outage, not as a stuck worker.
    proxy = await startFlakyProxy(moto.endpoint, { hangMs: 5_000, retryAfterSeconds: 2 });
  } catch (error) {
    await moto.stop();
    throw error;
  }
  const running = proxy;
  // moto accepts any credentials; the AWS SDK in this process (seeding) and in the children reads them from the environment.
  const credentials = { AWS_ACCESS_KEY_ID: 'drill', AWS_SECRET_ACCESS_KEY: 'drill', AWS_REGION: 'us-east-1' };
  Object.assign(process.env, credentials);
  return {
    stackOptions: { appEnv: { ...credentials, SECRETS_BACKEND: 'aws', SECRETS_MANAGER_ENDPOINT: running.url } },
    start() {
      const startedAt = Date.now();
      let endedAt: number | undefined;
      const before = running.counts();
      running.setFailureRate(1);
      const over = new Promise<void>((resolve) =>
        setTimeout(() => {
          running.setFailureRate(0);
          endedAt = Date.now();
          resolve();
        }, numberFromEnv('DRILL_OUTAGE_PHASE_MS', 30_000) * 2),
      );
      return {
        over,
        window: () => ({ startedAt, endedAt }),
        metRequests() {
          const now = running.counts();
          return { failed: (['http-500', 'http-429', 'hang', 'lost-answer'] as const).reduce((sum, kind) => sum + now[kind] - before[kind], 0) };
        },
      };
    },
    async tearDown() {
      await running.stop();
      await moto.stop();
    },
  };
}

export function secretsOutageDrill(): Promise<DrillResult> {
  return serviceOutageDrill({
    label: 'Secrets Manager down',
    setUp: secretStoreOutage,
    startsWhen: 'acting',
    repIsTold: /(secret store|did not answer in time).*press Retry/,
  });
}
