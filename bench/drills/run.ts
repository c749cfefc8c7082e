/**
 * `npm run drills`: runs the fault drills named in DRILLS_ONLY (default: all), each on a fresh
 * drill stack, prints a table and writes bench/results/drills-<timestamp>.json. Exits 1 if any
 * drill fails. See bench/README.md.
 */
import { printTable, writeResults, type Row } from '../lib/stats';
import { flakyCrmDrill } from './flaky-crm';
import { forgedActorDrill } from './forged-actor';
import { hostileRequestsDrill } from './hostile-requests';
import { killApiDrill } from './kill-api';
import { killWorkerDrill, type DrillResult } from './kill-worker';
import { postgresAndWorkerDrill } from './postgres-and-worker';
import { noisyNeighbourDrill } from './noisy-neighbour';
import { restartTemporalDrill } from './restart-temporal';
import { secretsOutageDrill } from './secrets-outage';
import { anthropicOutageDrill, fathomOutageDrill, googleOutageDrill, slackOutageDrill } from './service-outages';
import { stopPostgresDrill } from './stop-postgres';

const drills = {
  'hostile-requests': hostileRequestsDrill,
  'kill-worker': killWorkerDrill,
  'flaky-crm': flakyCrmDrill,
  'restart-temporal': restartTemporalDrill,
  'stop-postgres': stopPostgresDrill,
  'forged-actor': forgedActorDrill,
  'postgres-and-worker': postgresAndWorkerDrill,
  'noisy-neighbour': noisyNeighbourDrill,
  'slack-outage': slackOutageDrill,
  'google-outage': googleOutageDrill,
  'anthropic-outage': anthropicOutageDrill,
  'fathom-outage': fathomOutageDrill,
  'secrets-outage': secretsOutageDrill,
  'kill-api': killApiDrill,
} as const;
type DrillName = keyof typeof drills;

function selected(): DrillName[] {
  const names = (process.env.DRILLS_ONLY ?? Object.keys(drills).join(',')).split(',').map((name) => name.trim());
  for (const name of names) {
    if (!Object.hasOwn(drills, name)) throw new Error(`Unknown drill "${name}"; known: ${Object.keys(drills).join(', ')}.`);
  }
  return names as DrillName[];
}

async function main(): Promise<void> {
  const results: Record<string, DrillResult | { passed: false; failures: string[] }> = {};
  for (const name of selected()) {
    console.log(`[drill] ${name}: starting`);
    try {
      results[name] = await drills[name]();
    } catch (error) {
      results[name] = { passed: false, failures: [`drill crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
    }
    const result = results[name];
    console.log(`[drill] ${name}: ${result.passed ? 'PASSED' : `FAILED: ${result.failures.join('; ')}`}`);
  }
  const rows: Row[] = Object.entries(results).map(([name, result]) => ({
    drill: name,
    verdict: result.passed ? 'PASS' : 'FAIL',
    ...('summary' in result ? result.summary : {}),
  }));
  printTable('Fault drills', rows);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('DRILL')) as [string, string][]);
  console.log(`[drill] results: ${writeResults('drills', { env, results })}`);
  process.exit(Object.values(results).every((result) => result.passed) ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error('[drill] failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
