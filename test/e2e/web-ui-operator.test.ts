/**
 * The operator's repair of a failed CRM sync, done in a real browser (Debian's Chromium through
 * playwright-core) on the Temporal Web UI as the API's operator listener serves it: the listener
 * proxies the dev server's UI server to signed-in operators only, and the UI's codec endpoint is
 * the listener's own `/codec`. Same-origin, so the browser sends the session cookie with every
 * decode and encode (Temporal UI's fetch uses the default `credentials: 'same-origin'`): signing
 * in is the only step, with no codec setting in the browser. Send Signal encodes its input through
 * the same endpoint.
 *
 * Screenshots of every step go to test/e2e/screenshots/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cardActions } from '../../slack/action-ids';
import { crmSyncStatusSearchAttribute } from '../../workflows/messages';
import { cardText } from '../support/card';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { operatorToken, startProductHarness, type ProductHarness } from '../support/product-harness';
import { testStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const screenshotDir = path.join(__dirname, 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Web UI: an operator retries a failed CRM note in the browser', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDir, { recursive: true });
  });

  beforeEach(async () => {
    const { webUi } = testStack();
    harness = await startProductHarness({ operatorPort: webUi.operatorPort, env: { TEMPORAL_UI_URL: webUi.upstreamUrl } });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterEach(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  }

  it('without a session, sends a browser to the sign-in page and refuses the UI’s API calls with 401', async () => {
    const { webUi } = testStack();
    const page = await browser.newPage();
    await page.goto(`${webUi.url}/namespaces/default/workflows`);
    assert.equal(new URL(page.url()).pathname, '/codec/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/namespaces/default/workflows');
    await page.getByLabel('Operator token').waitFor();
    await shot(page, '00-unauthenticated-sent-to-sign-in');

    const apiCall = await fetch(`${webUi.url}/api/v1/namespaces/default/workflows`);
    assert.equal(apiCall.status, 401);
    const withWrongSession = await fetch(`${webUi.url}/api/v1/settings`, { headers: { cookie: 'followup_operator_session=1.forged' } });
    assert.equal(withWrongSession.status, 401);
  });

  it('signs in once, finds the run by CrmSyncStatus, reads the decrypted input and sends retry: one note, card updated', async () => {
    const { webUi } = testStack();
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note on the card', () => /CRM note failed/.test(cardText(harness.emulators.slack, salesChannel)));
    await harness.reconnectHubSpot(seeded);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    const codecStatuses: number[] = [];
    page.on('response', (response) => {
      if (/^\/codec\/(en|de)code$/.test(new URL(response.url()).pathname)) codecStatuses.push(response.status());
    });

    // 1. The operator opens the filtered list; the listener asks for the one sign-in first.
    const query = `${crmSyncStatusSearchAttribute.name}="failed"`;
    await page.goto(`${webUi.url}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    await page.getByLabel('Operator token').fill(operatorToken);
    await shot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // 2. Back at the list, filtered by the search attribute, on the operator listener's origin.
    const runLink = page.getByRole('link', { name: workflowId });
    await runLink.waitFor();
    assert.equal(new URL(page.url()).origin, webUi.url);
    assert.equal(new URL(page.url()).searchParams.get('query'), query);
    await shot(page, '02-filtered-list');
    await runLink.click();
    await page.waitForURL(/\/workflows\/meeting/);

    // 3. The input decrypted at once: the workflow id names the tenant; the rep's Slack id is only in the input.
    await page.getByText(seeded.rep.slackUserId).first().waitFor();
    await shot(page, '03-run-decoded-input');
    assert.ok(codecStatuses.length > 0 && codecStatuses.every((status) => status === 200), `codec answers: ${codecStatuses.join(', ')}`);

    // 4. Send Signal `retry` with {"by":"operator"}, which the UI encodes through the codec server.
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
    const modal = page.getByTestId('signal-confirmation-modal').filter({ visible: true });
    await modal.waitFor();
    // The SDK's workflow metadata lists the signals the workflow defines.
    await modal.getByTestId('signal-select-button').click();
    await modal.getByRole('option', { name: 'retry' }).click();
    await modal.getByRole('textbox', { name: 'Data' }).fill('{"by":"operator"}');
    await shot(page, '04-signal-modal');
    codecStatuses.length = 0;
    await modal.getByTestId('confirm-modal-button').click();
    await page.locator('#workflow-signal-success-toast').getByText('Workflow signaled.').waitFor();
    await shot(page, '05-signal-sent');
    assert.deepEqual(codecStatuses.slice(0, 1), [200], 'the signal input went through the codec server first');
    // Proof it was encrypted: the worker ignores a signal whose input is not (workflows/unencrypted-input.ts).

    await waitFor('the retried note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 30_000);
    await waitFor('the card showing the logged note', () => /✅ CRM note:/.test(cardText(harness.emulators.slack, salesChannel)));
    assert.equal(harness.emulators.hubspot.notes().length, 1, 'exactly one note in HubSpot');
    assert.doesNotMatch(cardText(harness.emulators.slack, salesChannel), /CRM note failed/);
    const after = await harness.client.workflow.getHandle(workflowId).describe();
    assert.equal(after.typedSearchAttributes.get(crmSyncStatusSearchAttribute), 'synced');
  });
});
