// The alert rules and the scrape config are checked by Prometheus' own tool: the rules parse, the
// config loads, and each alert fires on its story and stays quiet otherwise (alerts.test.yml).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const promtool = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const rulesFolder = path.resolve(__dirname, '../../deploy/prometheus');

async function runPromtool(...args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(promtool, args, { cwd: rulesFolder });
  return `${stdout}${stderr}`;
}

describe('deploy/prometheus', function () {
  this.timeout(30_000);

  before(function () {
    // CI installs Debian's prometheus package (.ci/run); a developer without it is told, not failed.
    if (!existsSync(promtool) && !process.env.CI) this.skip();
  });

  it('alerts.yml holds the four alerts and passes promtool check rules', async () => {
    const output = await runPromtool('check', 'rules', 'alerts.yml');
    assert.match(output, /SUCCESS: 4 rules found/);
  });

  it('prometheus.yml is a valid config that loads alerts.yml', async () => {
    const output = await runPromtool('check', 'config', 'prometheus.yml');
    assert.match(output, /prometheus\.yml is valid/);
  });

  it('every alert fires on its story and not before (promtool test rules alerts.test.yml)', async () => {
    const output = await runPromtool('test', 'rules', 'alerts.test.yml');
    assert.match(output, /SUCCESS/);
  });

  it('scrapes every replica of the API and the worker: each job finds its targets by DNS on a compose service that has deploy.replicas', () => {
    const config = parse(readFileSync(path.join(rulesFolder, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs?: unknown; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const compose = parse(readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8')) as { services: Record<string, { deploy?: { replicas?: unknown } }> };
    const discovered = config.scrape_configs.map((job) => ({ job: job.job_name, static: job.static_configs !== undefined, dns: job.dns_sd_configs ?? [] }));
    assert.deepEqual(
      discovered.map(({ job, static: isStatic, dns }) => ({ job, isStatic, dns: dns.map(({ names, type, port }) => ({ names, type, port })) })),
      [
        { job: 'api', isStatic: false, dns: [{ names: ['api'], type: 'A', port: 3001 }] },
        { job: 'worker', isStatic: false, dns: [{ names: ['worker'], type: 'A', port: 9465 }] },
        { job: 'worker-runtime', isStatic: false, dns: [{ names: ['worker'], type: 'A', port: 9464 }] },
      ],
    );
    for (const service of ['api', 'worker']) assert.ok(compose.services[service]?.deploy?.replicas !== undefined, `${service} runs as deploy.replicas`);
  });
});
