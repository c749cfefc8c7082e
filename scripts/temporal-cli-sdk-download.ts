// Last-resort route of scripts/temporal-cli.sh: lets @temporalio/testing download a pinned Temporal
// CLI into a given folder. The SDK only downloads while starting a dev server, so this starts one
// and tears it down straight away; the binary stays behind as <downloadDir>/temporal-<version>.
// Usage: node -r ts-node/register/transpile-only scripts/temporal-cli-sdk-download.ts <downloadDir> <version>
import { TestWorkflowEnvironment } from '@temporalio/testing';

async function downloadTemporalCli(downloadDir: string, version: string): Promise<void> {
  const environment = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir, version } },
  });
  await environment.teardown();
}

const [downloadDir, version] = process.argv.slice(2);
if (!downloadDir || !version) {
  console.error('usage: temporal-cli-sdk-download.ts <downloadDir> <version>');
  process.exit(2);
}
downloadTemporalCli(downloadDir, version).catch((error: unknown) => {
  console.error('Temporal CLI download through @temporalio/testing failed:', error);
  process.exit(1);
});
