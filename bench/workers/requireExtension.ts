/**
 * Worker: how long Node takes to load the activation bundle, in a fresh process.
 *
 *   node .bench/worker-require-extension.js <path/to/dist/extension.js>
 *
 * Only parse + evaluate of dist/extension.js is timed. It needs the `vscode` module, which only
 * an extension host provides; a STRICT STUB stands in for it here (there is no real `vscode` to
 * load outside the host): any property is a no-op constructor/function, and the stub records
 * which names the bundle touched while loading (it should touch none: activate() does the work).
 */
import Module = require('node:module');
import * as fs from 'node:fs';
import { emit, nowMs, round } from '../lib';

const touched = new Set<string>();
const stub: unknown = new Proxy(function vscodeStub() {}, {
  get(_target, key) {
    if (typeof key === 'string') touched.add(key);
    return stub;
  },
  apply: () => stub,
  construct: () => stub as object,
});

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const originalLoad = loader._load;
loader._load = function (request, parent, isMain) {
  return request === 'vscode' ? stub : originalLoad.call(this, request, parent, isMain);
};

const file = process.argv[2];
if (!file || !fs.existsSync(file)) throw new Error(`no bundle at ${file ?? '(missing argument)'}: run npm run package first`);
const t0 = nowMs();
const exported = require(file) as Record<string, unknown>;
const requireMs = nowMs() - t0;
if (typeof exported.activate !== 'function') throw new Error(`${file} exports no activate()`);
const sdkLoaded = Object.keys(require.cache).some((k) => k.endsWith('sdk.js'));
emit({ requireMs: round(requireMs), vscodeNamesTouchedAtLoad: [...touched].sort(), sdkLoaded });
