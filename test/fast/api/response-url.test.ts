import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postToResponseUrl } from '../../../api/slack/response-url';

interface Received {
  body: unknown;
  connection: number;
}

/** A response_url endpoint that records each post and the connection it came on. */
async function responseUrlServer(answer: (request: http.IncomingMessage) => number = () => 200) {
  const received: Received[] = [];
  const connections = new Map<object, number>();
  const server = http.createServer((request, response) => {
    if (!connections.has(request.socket)) connections.set(request.socket, connections.size + 1);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), connection: connections.get(request.socket)! });
      response.writeHead(answer(request), { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions/T1/1/abc`,
    received,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('replies to a click through its response_url', () => {
  it('delivers every reply, the later ones over the connection the first one opened', async () => {
    const slack = await responseUrlServer();
    try {
      for (const text of ['⚠️ That is already done.', '⚠️ That is already done.', '⚠️ That is already done.']) {
        assert.equal(await postToResponseUrl(slack.url, { response_type: 'ephemeral', text }, 5_000), 200);
      }
      assert.equal(slack.received.length, 3);
      assert.deepEqual(slack.received[0]!.body, { response_type: 'ephemeral', text: '⚠️ That is already done.' });
      assert.deepEqual(
        slack.received.map((post) => post.connection),
        [1, 1, 1],
      );
    } finally {
      await slack.close();
    }
  });

  it('still delivers a reply when Slack closed the idle kept-alive connection', async () => {
    const slack = await responseUrlServer();
    try {
      assert.equal(await postToResponseUrl(slack.url, { text: 'first' }, 5_000), 200);
      // The server drops its idle connections without telling the client first (as a load balancer does).
      slack.server.closeIdleConnections();
      assert.equal(await postToResponseUrl(slack.url, { text: 'second' }, 5_000), 200);
      assert.deepEqual(
        slack.received.map((post) => (post.body as { text: string }).text),
        ['first', 'second'],
      );
    } finally {
      await slack.close();
    }
  });

  it('reports a refusal by its status, so the caller can fall back to chat.postEphemeral', async () => {
    const slack = await responseUrlServer(() => 404);
    try {
      assert.equal(await postToResponseUrl(slack.url, { text: 'expired' }, 5_000), 404);
    } finally {
      await slack.close();
    }
  });

  it('gives up on a response_url that does not answer', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/actions/T1/1/abc`;
      await assert.rejects(postToResponseUrl(url, { text: 'late' }, 200), /no answer within 200 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
