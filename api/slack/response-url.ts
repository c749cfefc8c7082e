import http from 'node:http';
import https from 'node:https';

/**
 * Posts a message to an interaction's response_url over kept-alive connections. Every refused
 * click gets one, so under a burst of clicks a fresh connection each (a TCP and TLS handshake to
 * Slack) was most of the API's after-answer work; `fetch` also left the answer's body unread,
 * which keeps its connection out of the pool. Redirects are not followed: the caller checked
 * that the address is Slack's.
 */
const agents: Record<string, http.Agent> = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** Resolves with the answer's status once its body has been read; rejects when no answer came within `timeoutMs`. */
export function postToResponseUrl(url: string, message: object, timeoutMs: number): Promise<number> {
  const target = new URL(url);
  const body = JSON.stringify(message);
  const send = (retryOnStaleSocket: boolean): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const transport = target.protocol === 'https:' ? https : http;
      const request = transport.request(
        target,
        { method: 'POST', agent: agents[target.protocol], headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          // Read to the end, so the connection goes back to the pool.
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
          response.once('error', reject);
        },
      );
      const timer = setTimeout(() => request.destroy(new Error(`response_url gave no answer within ${timeoutMs} ms`)), timeoutMs);
      request.once('close', () => clearTimeout(timer));
      request.once('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed while idle fails before anything was sent: send once more on a new one.
        if (retryOnStaleSocket && request.reusedSocket && error.code === 'ECONNRESET') resolve(send(false));
        else reject(error);
      });
      request.end(body);
    });
  return send(true);
}
