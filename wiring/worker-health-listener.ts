import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsExposition } from '../runtime/metrics';

/**
 * The worker's small operations listener: `/livez` (the process answers), `/readyz` (it polls its
 * task queue) and `/metrics` (the application metrics; Temporal's runtime metrics have their own
 * port, WORKER_METRICS_ADDRESS). Nothing else is served.
 */
export async function startWorkerHealthListener(options: { host: string; port: number; ready: () => boolean }): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const answer = (status: number, contentType: string, body: string): void => {
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return answer(405, 'text/plain', 'Method not allowed\n');
    switch (request.url) {
      case '/livez':
        return answer(200, 'application/json', JSON.stringify({ status: 'ok' }));
      case '/readyz': {
        const ready = options.ready();
        return answer(ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ok' : 'not-ready', checks: { polling: ready } }));
      }
      case '/metrics':
        metricsExposition().then(
          (exposition) => answer(200, exposition.contentType, exposition.body),
          () => answer(500, 'text/plain', 'Metrics unavailable\n'),
        );
        return;
      default:
        return answer(404, 'text/plain', 'Not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
