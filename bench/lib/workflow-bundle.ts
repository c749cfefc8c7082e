import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { failureConverterPath } from '../../runtime/data-converter';
import { workflowInterceptorModules, workflowsPath } from '../../wiring/workflow-code';

/**
 * Bundles the workflow code once into `dataDir` and returns the file's path, for
 * WORKFLOW_BUNDLE_PATH: workers then start as in production (prebundled, `npm run build`), and
 * a restarted worker polls within seconds instead of bundling again.
 */
export async function writeWorkflowBundle(dataDir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: new DefaultLogger('WARN') });
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(bundlePath, code);
  return bundlePath;
}
