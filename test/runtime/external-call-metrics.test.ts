import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../runtime/config';
import { freePort } from '../../scripts/lib/processes';
import { countExternalCalls, externalServiceClassifier } from '../../runtime/external-call-metrics';
import { externalCalls } from '../../runtime/metrics';

const baseEnv = {
  DATABASE_URL: 'postgres://app:password@localhost:5432/followup',
  SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
  SECRETS_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  SECRETS_ACTIVE_KEY: 'k1',
  PAYLOAD_CODEC_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  PAYLOAD_CODEC_ACTIVE_KEY: 'k1',
  ACTOR_PROOF_KEY: 'actor-proof-key-for-tests-0123456789abcdefghijkl',
};

async function callsCounted(service: string, statusClass: string): Promise<number> {
  const metric = await externalCalls.get();
  return metric.values.find((value) => value.labels.service === service && value.labels.status_class === statusClass)?.value ?? 0;
}

describe('outgoing HTTP calls counted by service and status class', () => {
  it('names production hosts, including per-tenant Salesforce instances and Slack response URLs', () => {
    const serviceOf = externalServiceClassifier(loadConfig(baseEnv));
    const expected: Record<string, string> = {
      'https://slack.com/api/chat.postMessage': 'slack',
      'https://hooks.slack.com/actions/T1/2/x': 'slack',
      'https://api.fathom.ai/external/v1/meetings': 'fathom',
      'https://api.anthropic.com/v1/messages': 'anthropic',
      'https://api.hubapi.com/crm/v3/objects/notes': 'hubspot',
      'https://acme.my.salesforce.com/services/data/v60.0/query': 'salesforce',
      'https://api.pipedrive.com/v1/notes': 'pipedrive',
      'https://ext.crono.one/api/v1/notes': 'crono',
      'https://gmail.googleapis.com/gmail/v1/users/me/drafts': 'google',
      'https://oauth2.googleapis.com/token': 'google',
      'https://example.org/anything': 'other',
    };
    for (const [url, service] of Object.entries(expected)) assert.equal(serviceOf(new URL(url)), service, url);
  });

  it('tells emulators on loopback ports apart by their configured base URLs', () => {
    const serviceOf = externalServiceClassifier(loadConfig({ ...baseEnv, SLACK_API_URL: 'http://127.0.0.1:4001/api/', HUBSPOT_API_URL: 'http://127.0.0.1:4002', FATHOM_API_URL: 'http://127.0.0.1:4003/external/v1' }));
    assert.equal(serviceOf(new URL('http://127.0.0.1:4001/api/chat.update')), 'slack');
    assert.equal(serviceOf(new URL('http://127.0.0.1:4002/crm/v3/objects/companies/search')), 'hubspot');
    assert.equal(serviceOf(new URL('http://127.0.0.1:4003/external/v1/meetings?cursor=x')), 'fathom');
    assert.equal(serviceOf(new URL('http://127.0.0.1:4004/')), 'other');
  });

  describe('from both of Node\'s HTTP stacks', () => {
    let server: Server;
    let stopCounting: () => void;
    let base: string;

    before(async () => {
      server = createServer((incoming, response) => {
        response.statusCode = incoming.url === '/missing' ? 404 : 200;
        response.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      stopCounting = countExternalCalls(externalServiceClassifier(loadConfig({ ...baseEnv, CRONO_API_URL: base })));
    });
    after(async () => {
      stopCounting?.();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fetch (undici): answers by status class, and a refused connection as network-error', async () => {
      const [ok, missing] = [await callsCounted('crono', '2xx'), await callsCounted('crono', '4xx')];
      await (await fetch(`${base}/api/v1/notes`)).text();
      await (await fetch(`${base}/missing`)).text();
      assert.equal(await callsCounted('crono', '2xx'), ok + 1);
      assert.equal(await callsCounted('crono', '4xx'), missing + 1);
      const refused = await callsCounted('other', 'network-error');
      await fetch(`http://127.0.0.1:${await freePort()}/`).catch(() => undefined);
      assert.equal(await callsCounted('other', 'network-error'), refused + 1);
    });

    it('node:http (the SDKs built on it)', async () => {
      const before = await callsCounted('crono', '2xx');
      await new Promise<void>((resolve, reject) => {
        request(`${base}/api/v1/accounts`, (response) => {
          response.resume();
          response.on('end', resolve);
        }).on('error', reject).end();
      });
      assert.equal(await callsCounted('crono', '2xx'), before + 1);
    });
  });
});
