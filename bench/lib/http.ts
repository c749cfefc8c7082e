/**
 * A lean HTTP client for load: node:http with keep-alive (fetch costs the generator more CPU
 * per request, and on a 2-core machine the generator shares the CPUs with the stack).
 */
import http from 'node:http';

export interface HttpAnswer {
  /** HTTP status, or 0 when no answer came (connection error, timeout). */
  status: number;
  body: string;
  error?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const DEFAULT_TIMEOUT_MS = 10_000;

export function postRaw(url: string, headers: Record<string, string>, body: string | Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    request.end(payload);
  });
}

export async function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.setTimeout(DEFAULT_TIMEOUT_MS, () => request.destroy());
    request.on('error', () => resolve(0));
  });
}
