import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startLocalEmulators } from '../../emulators';

describe('startLocalEmulators', () => {
  it('starts every emulator and hands out the URLs each client takes', async () => {
    const emulators = await startLocalEmulators();
    try {
      assert.match(emulators.urls.slackApi, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
      assert.match(emulators.urls.fathomApi, /\/external\/v1$/);
      assert.match(emulators.urls.googleRoot, /\/$/);
      assert.equal(emulators.urls.googleToken, `${emulators.google.url}/token`);

      const slack = await fetch(`${emulators.urls.slackApi}auth.test`, { method: 'POST' });
      assert.deepEqual(await slack.json(), { ok: false, error: 'not_authed' });
      assert.equal((await fetch(`${emulators.urls.fathomApi}/meetings`)).status, 401);
      assert.equal((await fetch(`${emulators.urls.anthropic}/v1/messages`, { method: 'POST' })).status, 401);
      assert.equal((await fetch(`${emulators.urls.googleRoot}gmail/v1/users/me/drafts`)).status, 401);
    } finally {
      await emulators.stop();
    }
  });

  it('rejects when a fixed port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startLocalEmulators({ ports: { google: port } }), /EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
