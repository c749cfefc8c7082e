/**
 * A server that answers every request with a small JSON body and does nothing else: the no-op
 * baseline's activities call it as often as the real activities call the emulators, so the
 * baseline pays the same HTTP round trips from its worker, and the comparison with the real
 * pipeline is about the product's work, not about the emulators' (which run in this process).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postRaw } from './http';

export interface TrivialHttpServer {
  /** One POST with a small JSON body, answered at once. */
  call(): Promise<void>;
  close(): Promise<void>;
}

const answer = JSON.stringify({ ok: true });
const request = JSON.stringify({ ok: true, note: 'bench no-op outside call' });

export async function startTrivialHttpServer(): Promise<TrivialHttpServer> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    async call() {
      const answered = await postRaw(url, { 'content-type': 'application/json' }, request);
      if (answered.status !== 200) throw new Error(`trivial server answered ${answered.status} ${answered.error ?? ''}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
