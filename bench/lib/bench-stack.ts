/**
 * The stack every benchmark runs against: `startLocalStack` from scripts/start-local.ts (Temporal
 * dev server, embedded Postgres, migrations, the compiled worker and API with the prebundled
 * workflow code as child processes, API_PROCESSES and WORKER_PROCESSES of each) pointed at the
 * in-process emulators, exactly like `npm run demo`, plus the seeded workspaces. It uses its own
 * ports and data directory (.data/bench, wiped at every start so runs are comparable), so it
 * never clashes with a developer's `npm start`.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Orm } from '../../db/orm';
import type { EmulatedWorkspace } from '../../emulators/seed-workspace';
import type { AppConfig } from '../../runtime/config';
import type { SecretStore } from '../../secrets/secret-store';
import { seedBenchWorkspace, seededStackParts, startEmulatedServices, type BenchEmulators } from './emulated-services';
import { numberFromEnv } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
/** Ports start-local reads: the bench's own unless set with a BENCH_ prefix (e.g. BENCH_API_PORT). */
const benchPorts: Record<string, string> = {
  TEMPORAL_PORT: '7333',
  TEMPORAL_UI_PORT: '8333',
  API_PORT: '3300',
  OPERATOR_PORT: '3301',
  POSTGRES_PORT: '54339',
  // The worker's metrics and health listeners (worker n: + 2n), away from a developer's 9464/9465.
  WORKER_METRICS_PORT: '9364',
  WORKER_HEALTH_PORT: '9365',
  // Temporal's own Postgres, used only with BENCH_TEMPORAL=server.
  TEMPORAL_POSTGRES_PORT: '54340',
};

export interface BenchStack {
  apiUrl: string;
  temporalAddress: string;
  emulators: BenchEmulators;
  config: AppConfig;
  orm: Orm;
  secrets: SecretStore;
  client: Client;
  workspace: EmulatedWorkspace;
  /** Every seeded workspace; meetings are spread over them (BENCH_WORKSPACES, default 10). */
  workspaces: EmulatedWorkspace[];
  signingSecret: string;
  /** Stops everything and exits the process (startLocalStack owns the exit). */
  shutdown(exitCode: number, reason: string): Promise<void>;
}

/** A data directory the bench may wipe: only ever one inside .data/. */
export async function freshDataDir(relativeDir: string): Promise<string> {
  const dataDir = path.resolve(repoRoot, relativeDir);
  if (path.relative(path.join(repoRoot, '.data'), dataDir).startsWith('..') || dataDir === path.join(repoRoot, '.data')) {
    throw new Error(`Bench data directories must be inside .data/ (they are wiped at start), got ${dataDir}.`);
  }
  await fs.rm(dataDir, { recursive: true, force: true });
  return dataDir;
}

/**
 * Every thread of the worker reports its V8 heap to `probeDir` (bench/lib/thread-heap-probe.cjs;
 * benchmark 4 reads it): the workflow thread's isolate is invisible from outside. Appended to the
 * workers' own NODE_OPTIONS (WORKER_NODE_OPTIONS, after start-local's defaults), so the worker runs
 * with the flags it is given; the probe costs one small file write per thread per second.
 */
function preloadHeapProbe(probeDir: string): void {
  fsSync.mkdirSync(probeDir, { recursive: true });
  process.env.HEAP_PROBE_DIR = probeDir;
  process.env.WORKER_NODE_OPTIONS = [process.env.WORKER_NODE_OPTIONS, `--require ${path.join(__dirname, 'thread-heap-probe.cjs')}`].filter(Boolean).join(' ');
}

export async function startBenchStack(): Promise<BenchStack> {
  // Never the developer's own settings: their LOCAL_DATA_DIR would be wiped, their ports taken.
  for (const [name, value] of Object.entries(benchPorts)) process.env[name] = process.env[`BENCH_${name}`] || value;
  process.env.LOCAL_DATA_DIR = process.env.BENCH_DATA_DIR || path.join('.data', 'bench');
  // BENCH_TEMPORAL=server: the production Temporal server on PostgreSQL instead of the CLI's dev server.
  process.env.TEMPORAL_SERVER = process.env.BENCH_TEMPORAL === 'server' ? 'production' : 'dev';
  // The embedded Postgres in the bench data dir, not a configured one.
  for (const name of ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'DATABASE_MIGRATION_URL', 'DATABASE_MAINTENANCE_URL']) delete process.env[name];
  const dataDir = await freshDataDir(process.env.LOCAL_DATA_DIR);
  preloadHeapProbe(path.join(dataDir, 'heap-probe'));
  // Claude's tier as the emulator states it: tier 4's 4,000 requests a minute unless BENCH_ANTHROPIC_REQUESTS_PER_MINUTE
  // says otherwise. At a low tier's 50 the pipeline and waiting-work benchmarks measure Anthropic's pace, not this app.
  const services = await startEmulatedServices({ anthropicRequestsPerMinute: numberFromEnv('BENCH_ANTHROPIC_REQUESTS_PER_MINUTE', 4_000) });
  // start-local reads its ports and data dir when first loaded, so only after the defaults are set.
  const { startLocalStack } = await import('../../scripts/start-local');
  const stack = await startLocalStack(services.appEnv);
  try {
    const env = { ...services.appEnv, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress };
    const seeded = await seedBenchWorkspace(services, env, Math.round(numberFromEnv('BENCH_WORKSPACES', 10)));
    return {
      apiUrl: stack.apiUrl,
      temporalAddress: stack.temporalAddress,
      ...seededStackParts(services, seeded),
      async shutdown(exitCode, reason) {
        await seeded.close();
        await services.stop();
        await stack.shutdown(exitCode, reason);
      },
    };
  } catch (error) {
    await services.stop();
    await stack.shutdown(1, `bench stack failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}
