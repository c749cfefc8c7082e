/**
 * The memory settings every worker process starts with, wherever this repo starts one (npm start
 * and the benchmarks through start-local.ts, the drills); docker-compose.yml and the Dockerfile
 * repeat them. bench/README.md, benchmark 4, has the measurements behind each.
 *
 * - `--max-old-space-size` bounds both V8 heaps (V8 flags are per process: the main thread's,
 *   where activities run, and the SDK's workflow thread's, where cached meetings live). Without it
 *   each heap keeps garbage up to a limit sized from the machine's memory (4 GiB here).
 * - `--max-semi-space-size=2` shrinks each isolate's young generation from 32 to ~4 MiB, resident
 *   from the first minute on, for more frequent (cheap) scavenges.
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates its own 64 MiB arena, and the
 *   worker has 15+ threads (Temporal core's Tokio runtime, libuv's pool, the workflow thread), so
 *   freed native memory (gRPC buffers) stays resident in many half-empty arenas.
 */
export const workerNodeOptions = '--max-old-space-size=192 --max-semi-space-size=2';
export const workerMallocArenaMax = '2';

/**
 * The worker's NODE_OPTIONS and MALLOC_ARENA_MAX: these defaults, then WORKER_NODE_OPTIONS (a later
 * V8 flag wins, so it overrides a default) and a MALLOC_ARENA_MAX of the caller's own.
 */
export function workerMemoryEnv(env: NodeJS.ProcessEnv = process.env): { NODE_OPTIONS: string; MALLOC_ARENA_MAX: string } {
  return {
    NODE_OPTIONS: [workerNodeOptions, env.WORKER_NODE_OPTIONS].filter(Boolean).join(' '),
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? workerMallocArenaMax,
  };
}
