// The parts of a production build tsc does not produce: the prebundled workflow code (so the
// worker starts without webpack) and the prompt files the AI writer reads at start.
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../runtime/data-converter';
import { workflowInterceptorModules, workflowsPath } from '../wiring/workflow-code';

const repoRoot = path.resolve(__dirname, '..');
const dist = path.join(repoRoot, 'dist');

async function main(): Promise<void> {
  // The failure converter goes into the bundle too, so failures raised in workflow code are encrypted like the rest.
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath });
  await writeFile(path.join(dist, 'workflow-bundle.js'), code);
  const prompts = path.join(repoRoot, 'clients', 'prompts');
  await mkdir(path.join(dist, 'clients', 'prompts'), { recursive: true });
  for (const file of await readdir(prompts)) await copyFile(path.join(prompts, file), path.join(dist, 'clients', 'prompts', file));
  console.log('Wrote dist/workflow-bundle.js and dist/clients/prompts/');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
