/**
 * Counts every HTTP call to an outside service where all of them pass (outgoing-http.ts). The
 * client modules use six different libraries (Slack's and HubSpot's SDKs, jsforce, Pipedrive,
 * googleapis, Anthropic's SDK) plus plain fetch, and all of them are counted.
 */
import type { AppConfig } from './config';
import { externalCalls, statusClassOf } from './metrics';
import { watchOutgoingHttp } from './outgoing-http';

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

/**
 * Starts counting outgoing HTTP calls into `followup_external_calls_total`. Returns the function
 * that stops it (tests; the processes count until they exit).
 */
export function countExternalCalls(serviceOf: (url: URL) => ExternalService): () => void {
  const count = (url: URL | undefined, status: number | undefined): void => {
    if (!url) return;
    externalCalls.inc({ service: serviceOf(url), status_class: statusClassOf(status) });
  };
  return watchOutgoingHttp({
    answered: (call, status) => count(call.url, status),
    // A body cut off after the headers fails too; that call was already counted.
    failed: (call, _error, afterAnswer) => {
      if (!afterAnswer) count(call.url, undefined);
    },
  });
}
