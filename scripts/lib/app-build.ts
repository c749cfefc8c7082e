/**
 * `npm run build`, also run by start-local, the demo, the benchmarks and the drills before they
 * start the worker and API as production does (`node dist/worker.js`, `node dist/api/server.js`,
 * Dockerfile). Only what changed is rebuilt: tsc is skipped when no compiled input changed (its
 * --incremental mode still parses all 6,000 declaration files, ~9 s), and the workflow bundle
 * (webpack, ~10 s) when no file it is made of changed. Each step keeps a content hash of its inputs
 * in dist/; a missing dist/ (a clean clone) builds everything.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BundleOptions } from '@temporalio/worker';

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = path.join(repoRoot, 'dist');
/** Folders tsconfig.build.json leaves out (besides dot-folders): compiled code never needs them. */
const NOT_COMPILED = new Set(['node_modules', 'dist', 'test', 'bench', 'scripts', 'emulators']);
/** Anything that changes what tsc or webpack emits without being a source file. */
const BUILD_SETTINGS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

export interface AppBuild {
  workerEntry: string;
  apiEntry: string;
  /** The launcher that runs API_PROCESSES API processes on one port (api/cluster.ts). */
  apiClusterEntry: string;
  workflowBundlePath: string;
  /** What was rebuilt this time (empty when dist/ was already current). */
  rebuilt: string[];
}

export async function buildApp(log: (message: string) => void = () => undefined): Promise<AppBuild> {
  const rebuilt: string[] = [];
  const workflowBundlePath = path.join(dist, 'workflow-bundle.js');
  const compiled = { workerEntry: path.join(dist, 'worker.js'), apiEntry: path.join(dist, 'api', 'server.js'), apiClusterEntry: path.join(dist, 'api', 'cluster.js') };

  const sources = [...(await compiledSources(repoRoot)), ...BUILD_SETTINGS.map((file) => path.join(repoRoot, file))];
  if (await stepIsStale('compiled', sources, Object.values(compiled))) {
    log('compiling to dist/ (tsc --incremental)');
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot });
    await copyPrompts();
    await markBuilt('compiled', sources);
    rebuilt.push('compiled code');
  }

  const { workflowsPath, workflowInterceptorModules } = await import('../../wiring/workflow-code');
  const { failureConverterPath } = await import('../../runtime/data-converter');
  const entries = [workflowsPath, ...workflowInterceptorModules, failureConverterPath];
  // This file too: the bundler settings below change what webpack emits.
  const bundleInputs = [...(await importClosure(entries)), path.join(repoRoot, 'package-lock.json'), __filename];
  if (await stepIsStale('workflow-bundle', bundleInputs, [workflowBundlePath])) {
    log('bundling the workflow code into dist/workflow-bundle.js');
    // Loaded only here: webpack and the worker's native bridge take a second to load.
    const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
    // The failure converter goes into the bundle too, so failures raised in workflow code are encrypted like the rest.
    const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: new DefaultLogger('WARN'), webpackConfigHook: withoutSourcesContent });
    await writeFile(workflowBundlePath, code);
    await markBuilt('workflow-bundle', bundleInputs);
    rebuilt.push('workflow bundle');
  }
  return { ...compiled, workflowBundlePath, rebuilt };
}

/**
 * The bundle's inline source map without `sourcesContent` (our workflow sources and the SDK's, 1.26
 * of its 1.7 MB): every worker start decodes and parses the map on its main thread before it starts
 * the workflow thread, and hands it to that thread. Stack traces (the Web UI's "Stack Trace" tab,
 * `temporal workflow stack`) need only the mappings for file:line:column; the sources themselves are
 * read only for the enhanced stack trace with `showStackTraceSources`, which the worker does not set.
 */
const withoutSourcesContent: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
  return { ...config, devtool: 'inline-nosources-source-map' };
};

/** The prompt files the AI writer reads beside its compiled code. */
async function copyPrompts(): Promise<void> {
  const prompts = path.join(repoRoot, 'clients', 'prompts');
  const target = path.join(dist, 'clients', 'prompts');
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const file of await readdir(prompts)) await copyFile(path.join(prompts, file), path.join(target, file));
}

/** Every file tsconfig.build.json compiles, and the prompts copied beside them. */
async function compiledSources(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !(folder === repoRoot && NOT_COMPILED.has(entry.name))) found.push(...(await compiledSources(full)));
    } else if (entry.name.endsWith('.ts') || full.includes(`${path.sep}prompts${path.sep}`)) {
      found.push(full);
    }
  }
  return found;
}

/**
 * The repository's own files the bundle is made of: `entries` and every relative import they
 * reach. Packages are covered by package-lock.json.
 */
async function importClosure(entries: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const pending = entries.map(sourceFileOf);
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s+|require(?:\.resolve)?\()\s*['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const resolved = resolveSource(path.resolve(path.dirname(file), match[1]!));
      if (resolved) pending.push(resolved);
    }
  }
  return [...seen].sort();
}

/** The .ts file a module path names (wiring/workflow-code.ts resolves .js files when itself compiled). */
function sourceFileOf(modulePath: string): string {
  const source = path.join(repoRoot, path.relative(modulePath.startsWith(dist) ? dist : repoRoot, modulePath)).replace(/\.js$/, '.ts');
  const resolved = resolveSource(source.replace(/\.ts$/, ''));
  if (!resolved) throw new Error(`No source file for ${modulePath}.`);
  return resolved;
}

function resolveSource(withoutExtension: string): string | undefined {
  const base = withoutExtension.replace(/\.(ts|js)$/, '');
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

async function contentHash(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(path.relative(repoRoot, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

function stampPath(step: string): string {
  return path.join(dist, `.${step}.inputs-sha256`);
}

/** Stale unless every output exists and the inputs hash as they did at the step's last build. */
async function stepIsStale(step: string, inputs: string[], outputs: string[]): Promise<boolean> {
  if (!outputs.every((output) => existsSync(output))) return true;
  const previous = await readFile(stampPath(step), 'utf8').catch(() => '');
  return previous !== (await contentHash(inputs));
}

async function markBuilt(step: string, inputs: string[]): Promise<void> {
  await writeFile(stampPath(step), await contentHash(inputs));
}
