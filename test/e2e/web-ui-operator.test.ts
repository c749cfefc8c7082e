/**
 * The operator's repair of a failed CRM sync, done in a real browser (Debian's Chromium through
 * playwright-core) on the Temporal Web UI that the dev server serves, decrypting and encrypting
 * through the codec server of the API's operator listener.
 *
 * What the UI really does (Temporal UI 2.54, `src/lib/services/data-encoder.ts`): it calls
 * `<endpoint>/decode` and `/encode` with `credentials: 'include'` only when "Include cross-origin
 * credentials" is on. With the cluster-level endpoint that flag comes from the UI server's
 * configuration (`TEMPORAL_CODEC_INCLUDE_CREDENTIALS`), which `temporal server start-dev` never
 * sets (it has only `--ui-codec-endpoint`); so on the dev server the flag must be set as a browser
 * setting (endpoint override + the toggle), and this test proves the cluster-level setting alone
 * gets 401 from the codec server. Send Signal encodes its input through the same codec endpoint.
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
    harness = await startProductHarness({
      operatorPort: webUi.codecPort,
      env: { TEMPORAL_UI_ORIGINS: webUi.url },
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterEach(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  }

  it('signs in once, finds the run by CrmSyncStatus, reads the decrypted input and sends retry: one note, card updated', async () => {
    const { webUi } = testStack();
    const codecUrl = `http://localhost:${webUi.codecPort}/codec`;
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note on the card', () => /CRM note failed/.test(cardText(harness.emulators.slack, salesChannel)));
    await harness.reconnectHubSpot(seeded);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    const codecStatuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(codecUrl) && response.request().method() === 'POST') codecStatuses.push(response.status());
    });

    // 1. The one sign-in step.
    await page.goto(`${codecUrl}/login`);
    await page.getByLabel('Operator token').fill(operatorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in for 8 hours').waitFor();
    await shot(page, '01-codec-signed-in');

    // 2. The list, filtered by the search attribute.
    const query = `${crmSyncStatusSearchAttribute.name}="failed"`;
    await page.goto(`${webUi.url}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const runLink = page.getByRole('link', { name: workflowId });
    await runLink.waitFor();
    await shot(page, '02-filtered-list');
    await runLink.click();
    await page.waitForURL(/\/workflows\/meeting/);
    await page.locator('#content').getByText('Codec Server could not connect').waitFor();
    await shot(page, '03-cluster-codec-sends-no-session');
    assert.ok(codecStatuses.includes(401), 'the cluster-level endpoint calls the codec server without the session: 401');
    // The workflow id names the tenant; the rep's Slack id appears only in the decrypted input.
    const decryptedInput = page.getByText(seeded.rep.slackUserId);
    assert.equal(await decryptedInput.count(), 0, 'no plaintext without the session');

    // 3. The browser-level codec setting: the dev server's UI cannot be configured to send credentials.
    await page.locator('[data-testid^="data-encoder-status"]').first().click();
    await page.getByText('Use my browser setting').click();
    await page.locator('#data-encoder-endpoint-input').fill(codecUrl);
    await page.getByTestId('data-encoder-include-credentials').click();
    await shot(page, '04-codec-browser-setting');
    await page.getByRole('button', { name: 'Apply' }).click();
    codecStatuses.length = 0;
    await page.reload();
    await decryptedInput.first().waitFor();
    await shot(page, '05-run-decoded-input');
    assert.ok(!codecStatuses.includes(401), 'with the session, the codec server answers');

    // 4. Send Signal `retry` with {"by":"operator"}, which the UI encodes through the codec server.
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
    const modal = page.getByTestId('signal-confirmation-modal').filter({ visible: true });
    await modal.waitFor();
    // The SDK's workflow metadata lists the signals the workflow defines.
    await modal.getByTestId('signal-select-button').click();
    await modal.getByRole('option', { name: 'retry' }).click();
    await modal.getByRole('textbox', { name: 'Data' }).fill('{"by":"operator"}');
    await shot(page, '06-signal-modal');
    codecStatuses.length = 0;
    await modal.getByTestId('confirm-modal-button').click();
    await page.locator('#workflow-signal-success-toast').getByText('Workflow signaled.').waitFor();
    await shot(page, '07-signal-sent');
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
