import http from 'node:http';
import { type AddressInfo } from 'node:net';

/** What the fake answers: a success body, or an AWS error (`__type` plus message). */
export type ScriptedReply = { status: 200; body: Record<string, unknown> } | { status: number; error: string; message?: string };

export interface ScriptedRequest {
  /** The operation from X-Amz-Target, e.g. "CreateSecret". */
  operation: string;
  body: Record<string, unknown>;
}

export interface ScriptedSecretsManager {
  endpoint: string;
  /** Every request received, in order (SDK retries included). */
  requests: ScriptedRequest[];
  stop(): Promise<void>;
}

/**
 * A loopback stand-in for Secrets Manager's JSON 1.1 protocol whose answers a test scripts, for
 * AWS behaviour moto does not reproduce (AWS's status codes, deletion states, throttling, 5xx).
 */
export async function startScriptedSecretsManager(
  reply: (request: ScriptedRequest, attempt: number) => ScriptedReply,
): Promise<ScriptedSecretsManager> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const target = String(incoming.headers['x-amz-target'] ?? '');
      const request = {
        operation: target.replace(/^secretsmanager\./, ''),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      };
      requests.push(request);
      const attempt = requests.filter((earlier) => earlier.operation === request.operation).length;
      const answer = reply(request, attempt);
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-amz-json-1.1' };
      if ('error' in answer) headers['x-amzn-errortype'] = answer.error;
      const body = 'error' in answer ? { __type: answer.error, message: answer.message ?? answer.error } : answer.body;
      outgoing.writeHead(answer.status, headers).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
