/**
 * Counts every HTTP call to an outside service where all of them pass: Node's own HTTP stacks.
 * The client modules use six different libraries (Slack's and HubSpot's SDKs, jsforce, Pipedrive,
 * googleapis, Anthropic's SDK) plus plain fetch; each ends in undici (fetch) or node:http, and both
 * publish every request on a diagnostics channel. So no client has to remember to count, and a
 * library upgrade cannot silently stop the counting.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { AppConfig } from './config';
import { externalCalls, statusClassOf } from './metrics';

export type ExternalService = 'slack' | 'fathom' | 'anthropic' | 'hubspot' | 'salesforce' | 'pipedrive' | 'crono' | 'google' | 'other';

/** Production hosts whose URL is not configured (Salesforce instances, Slack's response_url host, Google's token host). */
const knownHostSuffixes: [string, ExternalService][] = [
  ['slack.com', 'slack'],
  ['fathom.ai', 'fathom'],
  ['anthropic.com', 'anthropic'],
  ['hubapi.com', 'hubspot'],
  ['hubspot.com', 'hubspot'],
  ['salesforce.com', 'salesforce'],
  ['force.com', 'salesforce'],
  ['pipedrive.com', 'pipedrive'],
  ['crono.one', 'crono'],
  ['googleapis.com', 'google'],
  ['google.com', 'google'],
];

/**
 * Names the service a URL belongs to: the configured base URLs first (longest prefix wins, so
 * emulators on loopback ports are told apart), then the services' public host names.
 */
export function externalServiceClassifier(config: AppConfig): (url: URL) => ExternalService {
  const configured: [string, ExternalService][] = [
    [config.slack.apiUrl, 'slack'],
    ...config.slack.responseUrlHosts.map((host): [string, ExternalService] => [host.includes('://') ? host : `https://${host}`, 'slack']),
    [config.fathom.apiUrl, 'fathom'],
    [config.ai.anthropicBaseUrl ?? '', 'anthropic'],
    [config.crm.hubspot.apiUrl, 'hubspot'],
    [config.crm.salesforce.loginUrl, 'salesforce'],
    [config.crm.pipedrive.apiUrl, 'pipedrive'],
    [config.crm.pipedrive.oauthUrl, 'pipedrive'],
    [config.crm.crono.apiUrl, 'crono'],
    [config.google.apiUrl ?? '', 'google'],
    [config.google.tokenUrl ?? '', 'google'],
  ];
  const prefixes = configured
    .filter(([base]) => base !== '')
    .map(([base, service]): [string, ExternalService] => [originAndPath(new URL(base)), service])
    .sort(([a], [b]) => b.length - a.length);
  return (url) => {
    const target = originAndPath(url);
    const byPrefix = prefixes.find(([prefix]) => target.startsWith(prefix));
    if (byPrefix) return byPrefix[1];
    const host = url.hostname;
    return knownHostSuffixes.find(([suffix]) => host === suffix || host.endsWith(`.${suffix}`))?.[1] ?? 'other';
  };
}

function originAndPath(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/`;
}

interface UndiciRequest {
  origin: string | URL;
  path: string;
}

/**
 * Starts counting outgoing HTTP calls into `followup_external_calls_total`. Returns the function
 * that stops it (tests; the processes count until they exit).
 */
export function countExternalCalls(serviceOf: (url: URL) => ExternalService): () => void {
  const count = (url: URL | undefined, status: number | undefined): void => {
    if (!url) return;
    externalCalls.inc({ service: serviceOf(url), status_class: statusClassOf(status) });
  };
  const undiciUrl = (request: UndiciRequest): URL | undefined => parseUrl(`${String(request.origin).replace(/\/+$/, '')}${request.path}`);
  const httpUrl = (request: ClientRequest): URL | undefined => parseUrl(`${request.protocol}//${String(request.getHeader('host') ?? request.host)}${request.path}`);

  // A body cut off after the headers also raises request:error; that call was already counted.
  const answered = new WeakSet<UndiciRequest>();

  const subscriptions: [string, (message: unknown) => void][] = [
    ['undici:request:headers', (message) => {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      answered.add(request);
      count(undiciUrl(request), response.statusCode);
    }],
    // Also a connection that was never made (refused, DNS, TLS).
    ['undici:request:error', (message) => {
      const { request } = message as { request: UndiciRequest };
      if (!answered.has(request)) count(undiciUrl(request), undefined);
    }],
    ['http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      count(httpUrl(request), response.statusCode);
    }],
    ['http.client.request.error', (message) => count(httpUrl((message as { request: ClientRequest }).request), undefined)],
  ];
  for (const [channel, listener] of subscriptions) diagnosticsChannel.subscribe(channel, listener);
  return () => {
    for (const [channel, listener] of subscriptions) diagnosticsChannel.unsubscribe(channel, listener);
  };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
