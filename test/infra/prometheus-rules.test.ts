// The alert rules and the scrape config are checked by Prometheus' own tool: the rules parse, the
// config loads, and each alert fires on its story and stays quiet otherwise (alerts.test.yml).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

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
});
