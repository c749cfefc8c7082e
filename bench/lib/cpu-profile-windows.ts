/**
 * Opens and closes CPU profile windows in processes that loaded bench/lib/cpu-profile-preload.cjs
 * (NODE_OPTIONS="--require …", CPU_PROFILE_MATCH, CPU_PROFILE_DIR set on the bench's command
 * line; every child of the bench inherits them). Without them it does nothing: a process without
 * the preload's handler would be killed by SIGUSR2.
 */
import { commandLineIncludes, descendantPids } from './child-process-info';

export function profilingConfigured(): boolean {
  return Boolean(process.env.CPU_PROFILE_DIR && process.env.CPU_PROFILE_MATCH && process.env.NODE_OPTIONS?.includes('cpu-profile-preload'));
}

function matchedFragments(): string[] {
  return (process.env.CPU_PROFILE_MATCH ?? '').split(',').filter(Boolean);
}

/**
 * Toggles the profile window (start, then stop and write) of the API processes, or of this
 * process (the bare client and the koa-noop baseline run here), where the preload profiles them.
 */
export function toggleProfileWindows(scope: 'api' | 'bench'): void {
  if (!profilingConfigured()) return;
  const fragments = matchedFragments();
  if (scope === 'bench') {
    if (fragments.some((fragment) => process.argv.join(' ').includes(fragment))) process.kill(process.pid, 'SIGUSR2');
    return;
  }
  for (const pid of descendantPids()) {
    if (commandLineIncludes(pid, 'dist/api/') && fragments.some((fragment) => commandLineIncludes(pid, fragment))) process.kill(pid, 'SIGUSR2');
  }
}
