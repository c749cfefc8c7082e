import assert from 'node:assert/strict';
import { chmod, mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dataFolderMode, localSettings } from '../../scripts/lib/local-settings';

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describe('local settings file', () => {
  let scratch: string;
  let dataRoot: string;
  let settingsFile: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'local-settings-'));
    dataRoot = path.join(scratch, '.data');
    settingsFile = path.join(dataRoot, 'local-settings.json');
  });
  afterEach(async () => rm(scratch, { recursive: true, force: true }));

  it('is created owner-only in an owner-only folder (traversable, not listable, when run as root)', async () => {
    await localSettings(dataRoot);
    assert.equal(await modeOf(settingsFile), 0o600);
    assert.equal(await modeOf(dataRoot), dataFolderMode());
  });

  it('becomes owner-only again when an older, readable file is rewritten with a missing setting', async () => {
    await mkdir(dataRoot, { mode: 0o755 });
    await writeFile(settingsFile, JSON.stringify({ SECRETS_ACTIVE_KEY: 'local1' }), { mode: 0o644 });
    const settings = await localSettings(dataRoot);
    assert.equal(settings.SECRETS_ACTIVE_KEY, process.env.SECRETS_ACTIVE_KEY || 'local1');
    assert.equal(await modeOf(settingsFile), 0o600);
    assert.equal(await modeOf(dataRoot), dataFolderMode());
  });

  it('becomes owner-only again when a complete, readable file is only read', async () => {
    await localSettings(dataRoot);
    await chmod(settingsFile, 0o644);
    await chmod(dataRoot, 0o755);
    await localSettings(dataRoot);
    assert.equal(await modeOf(settingsFile), 0o600);
    assert.equal(await modeOf(dataRoot), dataFolderMode());
  });
});
