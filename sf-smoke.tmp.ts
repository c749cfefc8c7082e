import { SalesforceEmulator } from './emulators/salesforce-emulator';
import { createSalesforceProvider } from './clients/crm/salesforce-provider';
import type { CrmCredentials } from './clients/crm/crm-provider';
(async () => {
  const emu = new SalesforceEmulator(); await emu.start();
  const t = emu.issueTokens();
  let creds: CrmCredentials = { type: 'oauth', accessToken: t.accessToken, refreshToken: t.refreshToken, instanceUrl: t.instanceUrl };
  const p = createSalesforceProvider({ credentials: { load: async () => creds, save: async (c) => { creds = c; console.log('saved', c.type); } }, oauthClient: emu.oauthClient, oauthBaseUrl: emu.url });
  const a = emu.addAccount({ name: 'Acme', website: 'https://www.acme.com/' });
  emu.addAccount({ name: "O'Acme EU", website: 'acme.com' });
  emu.addAccount({ name: 'Acme AU', website: 'acme.com.au' });
  const d = emu.addOpportunity({ name: 'Big', accountId: a, amount: 1000 });
  emu.maxPageSize = 1;
  console.log(await p.searchAccountsByDomain('ACME.com'));
  console.log(await p.searchAccountsByName("o'acme"));
  console.log(await p.getAccount(a), await p.getAccount('001EM0000000999AAA'));
  console.log(await p.findNoteByKey(a, 'k1'));
  console.log(await p.createNote({ accountId: a, dealId: d, idempotencyKey: 'k1', title: 'T <x>', body: 'line1\nline2', occurredAt: new Date().toISOString() }));
  for (let i = 0; i < 3; i++) emu.addTask({ whatId: a, subject: 'x', description: 'ref:k1-' + i });
  console.log(await p.findNoteByKey(a, 'k1'), emu.notes());
  console.log(await p.listDeals(a), await p.listDealStages().then(s => s.length));
  console.log(await p.updateDeal({ dealId: d, stageId: 'Closed Won' }), emu.deals());
  emu.expireAccessTokens();
  console.log(await p.listDeals(a, { openOnly: true }));
  emu.rateLimitNext(1);
  try { await p.listDeals(a); } catch (e) { console.log('ERR', e); }
  try { await p.updateDeal({ dealId: d, stageId: 'Nope' }); } catch (e) { console.log('ERR', e); }
  await emu.stop();
})();
