/** API_PROCESSES / WORKER_PROCESSES: how many of each the local stacks start (default 1). */
export function processCountFromEnv(name: 'API_PROCESSES' | 'WORKER_PROCESSES', env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 1;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`${name} must be a whole number from 1 to 16, got "${raw}".`);
  return count;
}
