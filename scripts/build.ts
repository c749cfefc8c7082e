// `npm run build`: compiles the worker and API to dist/ and prebundles the workflow code, rebuilding
// only what changed (scripts/lib/app-build.ts). The Dockerfile runs it; so do `npm start`, the demo,
// the benchmarks and the drills before they start the compiled code.
import { performance } from 'node:perf_hooks';
import { buildApp } from './lib/app-build';

const started = performance.now();
buildApp((message) => console.log(`[build] ${message}`))
  .then(({ rebuilt }) => {
    const took = `${Math.round(performance.now() - started)} ms`;
    console.log(rebuilt.length ? `[build] rebuilt ${rebuilt.join(' and ')} in ${took}` : `[build] dist/ is up to date (checked in ${took})`);
  })
  .catch((error: unknown) => {
    console.error('[build] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
