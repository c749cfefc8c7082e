/**
 * A V8 code cache for the compiled worker and API. A start loads ~1,800 CommonJS modules (ours and
 * our dependencies'), and Node 20 compiles each from source every time (Node 22's
 * `module.enableCompileCache()` does not exist in 20): compiling is about a third of the worker's
 * module loading. Imported first by each entry point, this compiles every module with the code V8
 * made for it at an earlier start, when that code was made from the same file content; once the
 * process is ready, `keepCodeCacheForNextStart` writes what V8 compiled during the start
 * (functions compiled lazily by then included) for the next one.
 *
 * It also keeps where each `require` of the start led (the folder it was made from and the request,
 * to the file Node resolved): resolving is a fifth of the API's start (each request stats candidate
 * files, reads package.json files and resolves symlinks), and it gives the same answer at every start
 * until the files change. Those answers are trusted only while npm's record of node_modules
 * (node_modules/.package-lock.json) and tsc's of dist/ (dist/.tsbuildinfo) are the ones they were
 * made with and the file still exists; otherwise Node resolves, as without the cache.
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
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The parts of Node's CommonJS loader the cache stands in for (internal, hence untyped in @types/node). */
interface LoaderModule {
  exports: unknown;
  filename: string | null;
  require(id: string): unknown;
}
type Compile = (this: LoaderModule, content: string, filename: string, format?: string) => unknown;
interface Loader {
  prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: LoaderModule | undefined, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: LoaderModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** Per module: the SHA-1 of the content its code was made from, and where that code is in the file. */
type CacheIndex = Record<string, [contentSha1: string, start: number, end: number]>;

/** The file Node resolved each request to, by the requiring module's folder and the request ("folder\0request"). */
type Resolutions = Record<string, string>;

/** What the cache file holds besides the code. */
interface CacheContents {
  modules: CacheIndex;
  /** The state of the files `resolved` was made with (`filesFingerprint`). */
  fingerprint: string;
  resolved: Resolutions;
}

interface CompiledModule {
  contentSha1: string;
  script: vm.Script;
}

const loader = Module as unknown as Loader;
const distRoot = path.resolve(__dirname, '..');

export class CodeCache {
  private index: CacheIndex;
  private data: Buffer;
  private resolved: Resolutions;
  /** The state of the fingerprinted files now; `resolved` is empty unless the file was made with the same. */
  private readonly fingerprint: string;
  private readonly compiled = new Map<string, CompiledModule>();
  private readonly originalCompile = loader.prototype._compile;
  private readonly originalResolveFilename = loader._resolveFilename;
  private installedCompile?: Compile;
  private installedResolveFilename?: Loader['_resolveFilename'];
  /** Modules compiled with the code of an earlier start, and without (none yet, another content, or refused by V8). */
  readonly counts = { fromCache: 0, fromSource: 0 };
  /** Requests answered from an earlier start's resolutions, and resolved by Node. */
  readonly resolutions = { fromCache: 0, resolved: 0 };

  /** `fingerprintFiles`: the files whose change (npm's and tsc's records) may change where a request resolves. */
  constructor(
    private readonly file: string,
    fingerprintFiles: string[] = [],
  ) {
    this.fingerprint = filesFingerprint(fingerprintFiles);
    const [contents, data] = readCacheFile(file);
    this.index = contents.modules;
    this.data = data;
    this.resolved = contents.fingerprint === this.fingerprint ? contents.resolved : {};
  }

  /** From now on, every CommonJS module this process loads is resolved and compiled here. */
  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loader calls _compile with the module as `this`
    const cache = this;
    this.installedCompile = function compileWithCache(content, filename, format) {
      return cache.compile(this, content, filename, format);
    };
    loader.prototype._compile = this.installedCompile;
    this.installedResolveFilename = (request, parent, isMain, options) => this.resolve(request, parent, isMain, options);
    loader._resolveFilename = this.installedResolveFilename;
  }

  /**
   * Stops caching and, when some module was compiled from source or some request resolved afresh,
   * writes what was compiled and resolved since `install`, with the entries the file holds by now
   * for modules this process did not load (the worker's and the API's modules share the file).
   */
  save(): void {
    // Unless something hooked the loader after us, which keeps its hook.
    if (loader.prototype._compile === this.installedCompile) loader.prototype._compile = this.originalCompile;
    if (loader._resolveFilename === this.installedResolveFilename) loader._resolveFilename = this.originalResolveFilename;
    const compiled = [...this.compiled];
    const resolved = this.resolved;
    // Nothing of this start's cache is needed any more.
    this.compiled.clear();
    [this.index, this.data, this.resolved] = [{}, Buffer.alloc(0), {}];
    // Everything came from the cache: the file already holds what a start needs. A folder this
    // process may not write (the image's dist/ belongs to root): no cache, and no work making one.
    if ((this.counts.fromSource === 0 && this.resolutions.resolved === 0) || !writableFolder(path.dirname(this.file))) return;
    const [latest, latestData] = readCacheFile(this.file);
    const index: CacheIndex = {};
    const chunks: Buffer[] = [];
    let offset = 0;
    const add = (filename: string, contentSha1: string, code: Buffer): void => {
      index[filename] = [contentSha1, offset, offset + code.length];
      chunks.push(code);
      offset += code.length;
    };
    for (const [filename, { contentSha1, script }] of compiled) add(filename, contentSha1, script.createCachedData());
    for (const [filename, [contentSha1, start, end]] of Object.entries(latest.modules)) {
      if (!index[filename]) add(filename, contentSha1, latestData.subarray(start, end));
    }
    // The other entry points' resolutions too, when made with the same files.
    const keptResolutions = latest.fingerprint === this.fingerprint ? { ...latest.resolved, ...resolved } : resolved;
    writeCacheFile(this.file, { modules: index, fingerprint: this.fingerprint, resolved: keptResolutions }, Buffer.concat(chunks));
  }

  /** Node's Module._resolveFilename, answered from an earlier start when it resolved the same request from the same folder. */
  private resolve(request: string, parent: LoaderModule | undefined, isMain: boolean, options?: unknown): string {
    // The entry point, require.resolve with its own search paths, and Node's built-in modules: Node's own path.
    if (isMain || options !== undefined || !parent?.filename || Module.isBuiltin(request)) return this.originalResolveFilename.call(loader, request, parent, isMain, options);
    const key = `${path.dirname(parent.filename)}\0${request}`;
    const known = this.resolved[key];
    if (known !== undefined && existsSync(known)) {
      this.resolutions.fromCache++;
      return known;
    }
    const filename = this.originalResolveFilename.call(loader, request, parent, isMain, options);
    this.resolutions.resolved++;
    this.resolved[key] = filename;
    return filename;
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

/** The file layout: a 4-byte length, the JSON contents (index and resolutions), then the code of every module one after another. */
function readCacheFile(file: string): [CacheContents, Buffer] {
  try {
    const bytes = readFileSync(file);
    const indexLength = bytes.readUInt32LE(0);
    const contents = JSON.parse(bytes.subarray(4, 4 + indexLength).toString('utf8')) as Partial<CacheContents>;
    return [{ modules: contents.modules ?? {}, fingerprint: contents.fingerprint ?? '', resolved: contents.resolved ?? {} }, bytes.subarray(4 + indexLength)];
  } catch {
    // None yet, or unreadable: every module compiles from source and the file is written afresh.
    return [{ modules: {}, fingerprint: '', resolved: {} }, Buffer.alloc(0)];
  }
}

/** The size and modification time of each file (absent ones too): any install or build changes it. */
function filesFingerprint(files: string[]): string {
  return files
    .map((file) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat ? `${file}:${stat.size}:${stat.mtimeMs}` : `${file}:absent`;
    })
    .join('\n');
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

function writeCacheFile(file: string, contents: CacheContents, data: Buffer): void {
  const indexBytes = Buffer.from(JSON.stringify(contents), 'utf8');
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
  // The layout's version in the name too: a build from before resolutions were kept cannot read this layout.
  const file = path.join(distRoot, '.code-cache', `node${process.versions.node}-${process.arch}-flags-${v8Flags}-layout2.bin`);
  // No cache to read and none to write (the Docker image): Node's own loader, without the detour.
  if (!existsSync(file) && !writableFolder(path.dirname(file))) return undefined;
  // What changes where a request resolves: an npm install (its record of node_modules) and a build (tsc's record of dist/).
  const cache = new CodeCache(file, [path.join(distRoot, '..', 'node_modules', '.package-lock.json'), path.join(distRoot, '.tsbuildinfo')]);
  cache.install();
  return cache;
}

const codeCache = cacheForEntryPoint();

/**
 * Called once the process is ready: right after this turn of the event loop, writes the cache (when
 * a module missed it: ~0.1 s of CPU, once after a build) and stops caching modules loaded after
 * that. Saved then, it holds the code a start needs and little more: the code of functions compiled
 * later (the first meetings' work) would only be memory the next start carries from the beginning.
 * Returns how this start's modules were compiled and resolved, for its log.
 */
export function keepCodeCacheForNextStart(): { modules: CodeCache['counts']; resolutions: CodeCache['resolutions'] } | 'off' {
  if (!codeCache) return 'off';
  setImmediate(() => codeCache.save());
  return { modules: { ...codeCache.counts }, resolutions: { ...codeCache.resolutions } };
}
