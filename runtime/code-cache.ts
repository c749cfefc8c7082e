/**
 * A V8 code cache for the compiled worker and API. A start loads ~1,800 CommonJS modules (ours and
 * our dependencies'), and Node 20 compiles each from source every time (Node 22's
 * `module.enableCompileCache()` does not exist in 20): compiling is about a third of the worker's
 * module loading. Imported first by each entry point, this compiles every module with the code V8
 * made for it at an earlier start, when that code was made from the same file content; once the
 * process is ready, `keepCodeCacheForNextStart` writes what V8 compiled during the start
 * (functions compiled lazily by then included) for the next one.
 *
 * Only compiled code uses it (under ts-node, in tests, nothing is installed). CODE_CACHE=off turns
 * it off. The cache lives in dist/.code-cache (git-ignored; one file per Node version and V8
 * flags, shared by the entry points run with them), is written only when some module had no usable
 * entry, and is never trusted blindly: an entry is used only for the file content it was made from (SHA-1), and V8 itself
 * refuses code from another V8 version or other flags (the module is then compiled from source,
 * as without the cache). A folder the process may not write (the Docker image's dist/ belongs to
 * root) only means no cache.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The parts of Node's CommonJS loader the cache stands in for (internal, hence untyped in @types/node). */
interface LoaderModule {
  exports: unknown;
  filename: string;
  require(id: string): unknown;
}
type Compile = (this: LoaderModule, content: string, filename: string, format?: string) => unknown;
interface Loader {
  prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: LoaderModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: LoaderModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** Per module: the SHA-1 of the content its code was made from, and where that code is in the file. */
type CacheIndex = Record<string, [contentSha1: string, start: number, end: number]>;

interface CompiledModule {
  contentSha1: string;
  script: vm.Script;
}

const loader = Module as unknown as Loader;
const distRoot = path.resolve(__dirname, '..');

export class CodeCache {
  private index: CacheIndex;
  private data: Buffer;
  private readonly compiled = new Map<string, CompiledModule>();
  private readonly originalCompile = loader.prototype._compile;
  private installedCompile?: Compile;
  /** Modules compiled with the code of an earlier start, and without (none yet, another content, or refused by V8). */
  readonly counts = { fromCache: 0, fromSource: 0 };

  constructor(private readonly file: string) {
    [this.index, this.data] = readCacheFile(file);
  }

  /** From now on, every CommonJS module this process loads is compiled here. */
  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loader calls _compile with the module as `this`
    const cache = this;
    this.installedCompile = function compileWithCache(content, filename, format) {
      return cache.compile(this, content, filename, format);
    };
    loader.prototype._compile = this.installedCompile;
  }

  /**
   * Stops caching and, when some module was compiled from source, writes what was compiled since
   * `install`, with the entries the file holds by now for modules this process did not load (the
   * worker's and the API's modules share the file).
   */
  save(): void {
    // Unless something hooked the loader after us, which keeps its hook.
    if (loader.prototype._compile === this.installedCompile) loader.prototype._compile = this.originalCompile;
    const compiled = [...this.compiled];
    // Nothing of this start's cache is needed any more.
    this.compiled.clear();
    [this.index, this.data] = [{}, Buffer.alloc(0)];
    // Every module came from the cache: the file already holds what a start needs. A folder this
    // process may not write (the image's dist/ belongs to root): no cache, and no work making one.
    if (this.counts.fromSource === 0 || !writableFolder(path.dirname(this.file))) return;
    const [latestIndex, latestData] = readCacheFile(this.file);
    const index: CacheIndex = {};
    const chunks: Buffer[] = [];
    let offset = 0;
    const add = (filename: string, contentSha1: string, code: Buffer): void => {
      index[filename] = [contentSha1, offset, offset + code.length];
      chunks.push(code);
      offset += code.length;
    };
    for (const [filename, { contentSha1, script }] of compiled) add(filename, contentSha1, script.createCachedData());
    for (const [filename, [contentSha1, start, end]] of Object.entries(latestIndex)) {
      if (!index[filename]) add(filename, contentSha1, latestData.subarray(start, end));
    }
    writeCacheFile(this.file, index, Buffer.concat(chunks));
  }

  private compile(module: LoaderModule, content: string, filename: string, format?: string): unknown {
    // ES modules loaded by require() take Node's own path.
    if (format === 'module') return this.originalCompile.call(module, content, filename, format);
    const contentSha1 = createHash('sha1').update(content).digest('hex');
    const entry = this.index[filename];
    const cachedData = entry && entry[0] === contentSha1 ? this.data.subarray(entry[1], entry[2]) : undefined;
    let script: vm.Script;
    try {
      script = new vm.Script(loader.wrap(content), {
        filename,
        cachedData,
        // import() inside a CommonJS module resolves as it does without the cache.
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // Not CommonJS after all (Node retries such a file as an ES module) or a real syntax error: Node's own path says which.
      return this.originalCompile.call(module, content, filename, format);
    }
    this.counts[cachedData && !script.cachedDataRejected ? 'fromCache' : 'fromSource']++;
    this.compiled.set(filename, { contentSha1, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(module.exports, module.exports, requireFor(module), module, filename, path.dirname(filename));
  }
}

/** The `require` Node gives a module (lib/internal/modules/helpers.js makeRequireFunction), for a module compiled here. */
function requireFor(module: LoaderModule): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  return Object.assign(require, { resolve, main: require.main, extensions: loader._extensions, cache: loader._cache });
}

/** The file layout: a 4-byte length, the JSON index, then the code of every module one after another. */
function readCacheFile(file: string): [CacheIndex, Buffer] {
  try {
    const bytes = readFileSync(file);
    const indexLength = bytes.readUInt32LE(0);
    const index = JSON.parse(bytes.subarray(4, 4 + indexLength).toString('utf8')) as CacheIndex;
    return [index, bytes.subarray(4 + indexLength)];
  } catch {
    // None yet, or unreadable: every module compiles from source and the file is written afresh.
    return [{}, Buffer.alloc(0)];
  }
}

function writableFolder(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function writeCacheFile(file: string, index: CacheIndex, data: Buffer): void {
  const indexBytes = Buffer.from(JSON.stringify(index), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(indexBytes.length, 0);
  // Written aside and renamed: another process reads the old file or the new one, never half of one.
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, Buffer.concat([length, indexBytes, data]));
    renameSync(partial, file);
  } catch {
    // Not written (a full disk): the next start compiles from source, as without the cache.
    rmSync(partial, { force: true });
  }
}

/** The cache of a compiled entry point (dist/worker.js, dist/api/server.js, ...), installed as it starts; never in a test or under ts-node. */
function cacheForEntryPoint(): CodeCache | undefined {
  const main = require.main?.filename;
  const entryPoint = main && path.relative(distRoot, main);
  if (!__filename.endsWith('.js') || !entryPoint || entryPoint.startsWith('..') || process.env.CODE_CACHE === 'off') return undefined;
  // One file for the entry points that share Node and its V8 flags (the worker's heap flags are not
  // the API's): V8 refuses code made under other flags, so processes that differ in them would
  // overwrite each other's entries at every start.
  const v8Flags = createHash('sha1').update([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')).digest('hex').slice(0, 12);
  const file = path.join(distRoot, '.code-cache', `node${process.versions.node}-${process.arch}-flags-${v8Flags}.bin`);
  // No cache to read and none to write (the Docker image): Node's own loader, without the detour.
  if (!existsSync(file) && !writableFolder(path.dirname(file))) return undefined;
  const cache = new CodeCache(file);
  cache.install();
  return cache;
}

const codeCache = cacheForEntryPoint();

/**
 * Called once the process is ready: right after this turn of the event loop, writes the cache (when
 * a module missed it: ~0.1 s of CPU, once after a build) and stops caching modules loaded after
 * that. Saved then, it holds the code a start needs and little more: the code of functions compiled
 * later (the first meetings' work) would only be memory the next start carries from the beginning.
 * Returns how this start's modules were compiled, for its log.
 */
export function keepCodeCacheForNextStart(): CodeCache['counts'] | 'off' {
  if (!codeCache) return 'off';
  setImmediate(() => codeCache.save());
  return { ...codeCache.counts };
}
