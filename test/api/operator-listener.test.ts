import assert from 'node:assert/strict';
import { operatorToken, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

interface ExportedRow {
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/** The operator listener behind an OIDC proxy, which this test plays from 127.0.0.1. */
describe('operator listener: identity from the proxy and limits on guessing', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness({
      startWorker: false,
      env: { OPERATOR_IDENTITY_HEADER: 'X-Forwarded-Email', OPERATOR_TRUSTED_PROXIES: '127.0.0.1' },
    });
    seeded = await harness.seedTenant();
  });
  after(async () => harness?.close());

  const exportAuditLog = (headers: Record<string, string>) =>
    fetch(`${harness.operatorUrl}/operator/tenants/${seeded.tenant.id}/audit-log`, { headers });
  const asOperatorFrom = (address: string, token = operatorToken) => ({ authorization: `Bearer ${token}`, 'x-forwarded-for': `203.0.113.9, ${address}` });

  it('writes the name the proxy vouched for into the audit log', async () => {
    const response = await exportAuditLog({ ...asOperatorFrom('10.0.0.1'), 'x-forwarded-email': 'alice@example.com' });
    assert.equal(response.status, 200);
    const rows = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as ExportedRow);
    const exported = rows.at(-1)!;
    assert.deepEqual({ actor: exported.actor, action: exported.action }, { actor: 'operator:alice@example.com', action: 'audit.exported' });
    assert.equal(exported.detail.operator, 'alice@example.com');
  });

  it('does not count requests without credentials as guesses', async () => {
    for (let attempt = 0; attempt < 15; attempt++) assert.equal((await exportAuditLog({ 'x-forwarded-for': '10.0.0.2' })).status, 401);
    assert.equal((await exportAuditLog(asOperatorFrom('10.0.0.2'))).status, 200);
  });

  it('locks out an address after 10 wrong tokens, even when it then has the right one', async () => {
    for (let attempt = 0; attempt < 10; attempt++) assert.equal((await exportAuditLog(asOperatorFrom('10.0.0.3', 'guess'))).status, 401);
    const locked = await exportAuditLog(asOperatorFrom('10.0.0.3'));
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const form = await fetch(`${harness.operatorUrl}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '10.0.0.3' },
      body: `token=${encodeURIComponent(operatorToken)}`,
    });
    assert.equal(form.status, 429, 'the sign-in form is locked too');
    assert.equal((await exportAuditLog(asOperatorFrom('10.0.0.4'))).status, 200, 'other addresses are not');
  });

  it('locks out everyone after 50 wrong tokens from many addresses', async () => {
    // 10 failures so far (10.0.0.3); 40 more from addresses that each stay under their own limit.
    for (let attempt = 0; attempt < 40; attempt++) {
      const login = await fetch(`${harness.operatorUrl}/codec/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.1.0.${attempt % 8}` },
        body: 'token=guess',
      });
      assert.equal(login.status, 401);
    }
    assert.equal((await exportAuditLog(asOperatorFrom('10.2.0.1'))).status, 429);
  });
});
