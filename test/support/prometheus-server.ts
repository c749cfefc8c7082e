/**
 * A real Prometheus (Debian's `prometheus` package, /usr/bin/prometheus) scraping the test stack:
 * a temporary config and data folder, a free port, stopped and removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/processes';
import { waitFor } from './wait-for';

export const prometheusBinary = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

export interface PrometheusSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  url: string;
  /** An instant query through the HTTP API (`/api/v1/query`). */
  query(expression: string): Promise<PrometheusSample[]>;
  output(): string;
  stop(): Promise<void>;
}

/** `targets`: job name → host:port, scraped at /metrics every second. */
export async function startPrometheus(targets: Record<string, string>): Promise<PrometheusServer> {
  if (!existsSync(prometheusBinary)) throw new Error(`${prometheusBinary} is missing: apt-get install -y prometheus (.ci/run does it)`);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'followup-prometheus-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    ...Object.entries(targets).flatMap(([job, target]) => [`  - job_name: ${job}`, '    static_configs:', `      - targets: ['${target}']`]),
  ].join('\n');
  await writeFile(path.join(folder, 'prometheus.yml'), `${config}\n`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    prometheusBinary,
    [
      `--config.file=${path.join(folder, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', async () => child.exitCode === null && (await fetch(`${url}/-/ready`)).ok, 30_000, 200);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${output}`);
  }
  return {
    url,
    output: () => output,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expression })}`);
      const answer = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (answer.status !== 'success') throw new Error(`Prometheus refused ${expression}: ${answer.error}`);
      return answer.data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    stop,
  };
}
