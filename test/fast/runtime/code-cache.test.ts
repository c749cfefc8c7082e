import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodeCache } from '../../../runtime/code-cache';

// The compiled worker and API compile their modules with V8 code kept from an earlier start
// (runtime/code-cache.ts). What must hold: a module runs as it would without the cache, a changed
// module runs its new code, a require leads where Node would lead it once files are installed or
// built anew, and a cache that cannot be written costs nothing but the cache.
describe('V8 code cache for the compiled entry points', () => {
  let folder: string;
  let modulePath: string;
  let cacheFile: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
    modulePath = path.join(folder, 'greeting.js');
    cacheFile = path.join(folder, 'cache', 'entry.bin');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  /** Loads the module afresh with a cache on `cacheFile` installed, then saves the cache as a ready process does. */
  function loadWithCache(
    file = cacheFile,
    fingerprintFiles: string[] = [],
  ): { exports: { greet(name: string): string; resolvedSibling: string }; counts: CodeCache['counts']; resolutions: CodeCache['resolutions'] } {
    const requireCache = createRequire(__filename).cache;
    for (const loaded of Object.keys(requireCache)) if (loaded.startsWith(folder)) delete requireCache[loaded];
    // As in a new process, whose loader has resolved nothing yet (Node keeps what it resolved in _pathCache).
    const pathCache = (Module as unknown as { _pathCache: Record<string, string> })._pathCache;
    for (const key of Object.keys(pathCache)) if (pathCache[key]!.startsWith(folder)) delete pathCache[key];
    const cache = new CodeCache(file, fingerprintFiles);
    cache.install();
    try {
      // Through Node's CommonJS loader, as the compiled entry points load their modules.
      return { exports: createRequire(__filename)(modulePath), counts: { ...cache.counts }, resolutions: { ...cache.resolutions } };
    } finally {
      cache.save();
    }
  }

  function writeModule(greeting: string): void {
    // require.resolve and __dirname behave as under Node's own loader.
    writeFileSync(modulePath, `exports.greet = (name) => '${greeting}, ' + name; exports.resolvedSibling = require.resolve('./greeting') === __filename ? 'yes' : 'no';`);
  }

  it('runs a module from the code of an earlier start, as it runs without it', () => {
    writeModule('Hello');
    const first = loadWithCache();
    assert.deepEqual(first.counts, { fromCache: 0, fromSource: 1 });
    const second = loadWithCache();
    assert.deepEqual(second.counts, { fromCache: 1, fromSource: 0 });
    assert.equal(second.exports.greet('Ada'), 'Hello, Ada');
    assert.equal(second.exports.resolvedSibling, 'yes');
  });

  it('runs the new code of a module changed since the cache was written', () => {
    writeModule('Hello');
    loadWithCache();
    writeModule('Goodbye');
    const changed = loadWithCache();
    assert.equal(changed.exports.greet('Ada'), 'Goodbye, Ada');
    assert.deepEqual(changed.counts, { fromCache: 0, fromSource: 1 });
    assert.deepEqual(loadWithCache().counts, { fromCache: 1, fromSource: 0 });
  });

  it('leads each require where Node leads it: from an earlier start while the files are the same, afresh once installed or built anew', () => {
    const siblingFile = path.join(folder, 'sibling.js');
    const siblingFolder = path.join(folder, 'sibling');
    // Stands for npm's record of node_modules and tsc's of dist/.
    const buildRecord = path.join(folder, 'build-record');
    writeFileSync(buildRecord, 'build 1');
    writeFileSync(modulePath, `const sibling = require('./sibling'); exports.greet = () => sibling.kind; exports.resolvedSibling = require.resolve('./sibling');`);
    writeFileSync(siblingFile, `exports.kind = 'file';`);
    const first = loadWithCache(cacheFile, [buildRecord]);
    assert.equal(first.exports.greet('Ada'), 'file');
    assert.equal(first.resolutions.resolved, 2);
    const second = loadWithCache(cacheFile, [buildRecord]);
    assert.equal(second.exports.greet('Ada'), 'file');
    assert.deepEqual(second.resolutions, { fromCache: 3, resolved: 0 });

    // The file it led to is gone: Node resolves again (to the folder now).
    rmSync(siblingFile);
    mkdirSync(siblingFolder);
    writeFileSync(path.join(siblingFolder, 'index.js'), `exports.kind = 'folder';`);
    const moved = loadWithCache(cacheFile, [buildRecord]);
    assert.equal(moved.exports.greet('Ada'), 'folder');
    assert.equal(moved.exports.resolvedSibling, path.join(siblingFolder, 'index.js'));

    // A file that Node prefers appears with a new build: the build record changed, so every request resolves afresh.
    writeFileSync(siblingFile, `exports.kind = 'file';`);
    writeFileSync(buildRecord, 'build 2, a little longer');
    const rebuilt = loadWithCache(cacheFile, [buildRecord]);
    assert.equal(rebuilt.exports.greet('Ada'), 'file');
    assert.equal(rebuilt.resolutions.resolved, 2);
  });

  it('compiles from source, and still starts, when the cache cannot be written or read', () => {
    writeModule('Hello');
    // A file where the cache's folder should be: not writable, even for root.
    writeFileSync(path.join(folder, 'not-a-folder'), '');
    const unwritable = path.join(folder, 'not-a-folder', 'entry.bin');
    assert.equal(loadWithCache(unwritable).exports.greet('Ada'), 'Hello, Ada');
    assert.deepEqual(loadWithCache(unwritable).counts, { fromCache: 0, fromSource: 1 });

    const garbage = path.join(folder, 'garbage.bin');
    writeFileSync(garbage, 'not a cache');
    assert.equal(loadWithCache(garbage).exports.greet('Ada'), 'Hello, Ada');
  });
});
