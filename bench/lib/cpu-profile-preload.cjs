/**
 * V8 CPU profiles of one process of the stack, windowed by signals: node refuses --cpu-prof in
 * NODE_OPTIONS, but it takes `--require` of this file, which every child of the bench inherits.
 * Only a process whose command line contains one of the comma-separated CPU_PROFILE_MATCH fragments
 * (e.g. "dist/api/,bench/run.ts") profiles; the others load this and do nothing. SIGUSR2 starts a
 * window, the next SIGUSR2 writes it to CPU_PROFILE_DIR/<pid>-<window>.cpuprofile (Chrome
 * DevTools, speedscope). bench/ack-path.ts sends the signals around its measured steps
 * (bench/lib/cpu-profile-windows.ts).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const fragments = (process.env.CPU_PROFILE_MATCH ?? '').split(',').filter(Boolean);
const dir = process.env.CPU_PROFILE_DIR;
const commandLine = process.argv.join(' ');
if (dir && fragments.some((fragment) => commandLine.includes(fragment))) {
  const session = new inspector.Session();
  session.connect();
  // 100 µs between samples: enough detail for per-request costs of a few hundred µs.
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 100 }));
  let window = 0;
  let profiling = false;
  process.on('SIGUSR2', () => {
    if (!profiling) {
      profiling = true;
      session.post('Profiler.start');
      return;
    }
    profiling = false;
    window += 1;
    const file = path.join(dir, `${process.pid}-${window}.cpuprofile`);
    session.post('Profiler.stop', (error, result) => {
      if (error) console.error('cpu profile failed:', error.message);
      else fs.writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
