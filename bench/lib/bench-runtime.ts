import { Runtime } from '@temporalio/worker';
import { createLogger } from '../../runtime/logger';
import { temporalRuntimeOptions } from '../../wiring/temporal-runtime-logging';

let installed = false;

/**
 * The bench process's Temporal runtime, for the baseline workers it runs: installed once per
 * process (the SDK refuses a second install), quiet (it would log every bundling step).
 */
export function installBenchRuntime(): void {
  if (installed) return;
  Runtime.install(temporalRuntimeOptions(createLogger({ level: 'warn', base: { process: 'bench' } }), 'warn'));
  installed = true;
}
