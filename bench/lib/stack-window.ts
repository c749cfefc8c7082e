/**
 * Where a drill stack's time went during one window (e.g. "B with A"): the CPU seconds of each
 * process the stack started (each worker apart, the API, Temporal, Postgres, and this process with
 * its emulators and load), and each worker's Temporal runtime metrics over the window, task slots
 * sampled every 2 s for their peak. Whatever cannot be read is said, never fatal to the drill.
 */
import os from 'node:os';
import { describeCpuByProcess, sampleCpuByProcess } from './stack-cpu';
import { describeWorkerWindow, histogramLines, readWorkerMetrics, recordPeakSlots, type MetricsSample } from './worker-runtime-metrics';

const SLOT_SAMPLE_MS = 2_000;

export interface StackWindow {
  /** Ends the window: one line per process's CPU, then per worker its metrics over the window. */
  end(): Promise<string[]>;
}

const readAll = (urls: readonly string[]): Promise<(MetricsSample | undefined)[]> => Promise.all(urls.map((url) => readWorkerMetrics(url).catch(() => undefined)));

export async function watchStackWindow(workerMetricsUrls: readonly string[], temporalMetricsUrl: string): Promise<StackWindow> {
  const startedAt = Date.now();
  const cpuBefore = sampleCpuByProcess();
  const metricsBefore = await readAll(workerMetricsUrls);
  const [temporalBefore] = await readAll([temporalMetricsUrl]);
  const peaks = workerMetricsUrls.map(() => new Map<string, number>());
  const sampleSlots = async (): Promise<void> => {
    (await readAll(workerMetricsUrls)).forEach((sample, index) => sample && recordPeakSlots(peaks[index]!, sample));
  };
  const sampler = setInterval(() => void sampleSlots(), SLOT_SAMPLE_MS);
  return {
    async end() {
      clearInterval(sampler);
      const wallMs = Date.now() - startedAt;
      const cpuAfter = sampleCpuByProcess();
      const metricsAfter = await readAll(workerMetricsUrls);
      const [temporalAfter] = await readAll([temporalMetricsUrl]);
      const lines = [
        `${Math.round(wallMs / 1000)} s, 1-minute load ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} CPUs; CPU by process:`,
        ...describeCpuByProcess(cpuBefore, cpuAfter, wallMs).map((line) => `  ${line}`),
      ];
      // The server's side of a task's completion: how long it took to answer, and its store's busiest operations.
      if (temporalBefore && temporalAfter) {
        lines.push('Temporal server:');
        lines.push(...histogramLines(temporalBefore, temporalAfter, 'service_latency', /Respond|StartWorkflow|UpdateWorkflow|Signal/).map((line) => `  ${line}`));
        lines.push(...histogramLines(temporalBefore, temporalAfter, 'persistence_latency', undefined, 8).map((line) => `  ${line}`));
        // Visibility (search attributes, the Web UI's lists) is written apart, by a background queue: on the dev server through the same one SQLite connection.
        lines.push(...histogramLines(temporalBefore, temporalAfter, 'visibility_persistence_latency', undefined, 4).map((line) => `  ${line}`));
      } else lines.push('Temporal server: metrics unavailable');
      metricsAfter.forEach((after, index) => {
        const before = metricsBefore[index];
        if (after) recordPeakSlots(peaks[index]!, after);
        lines.push(`worker ${index + 1} (${workerMetricsUrls[index]}):`);
        if (!before || !after) lines.push('  metrics unavailable (the worker was restarted or its port did not answer)');
        else lines.push(...describeWorkerWindow(before, after, peaks[index]!).map((line) => `  ${line}`));
      });
      return lines;
    },
  };
}
