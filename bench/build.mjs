// Bundles the benchmarks into .bench/ (git-ignored) with esbuild.
//
// Why bundles and not tsc's out/: the code under test must load the way it does in the shipped
// extension, or the "cold" figures would measure node_modules resolution instead of our code.
// The core (src/) is bundled into each bench entry exactly as esbuild.mjs bundles it into
// dist/extension.js, and `require('./sdk')` stays a runtime require of .bench/sdk.js, a copy of
// the production dist/sdk.js that `npm run package` just built. Test helpers and their packages
// (playwright-core, the SDK used by test/support) stay external: they are the harness, not timed.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazySdkPlugin } from '../scripts/lazy-sdk-plugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.bench');

const productionSdk = path.join(root, 'dist', 'sdk.js');
if (!fs.existsSync(productionSdk)) {
  console.error(`[bench] ${path.relative(root, productionSdk)} is missing: run \`npm run package\` first (bench/run.sh does).`);
  process.exit(1);
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: {
    main: 'bench/main.ts',
    'worker-config-scale': 'bench/workers/configScale.ts',
    'worker-cold-switch': 'bench/workers/coldSwitch.ts',
    'worker-load-client': 'bench/workers/loadClient.ts',
    'worker-require-extension': 'bench/workers/requireExtension.ts',
  },
  absWorkingDir: root,
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Minified like the production bundles (and, like them, without keepNames, whose wrapper calls
  // users never pay), so parse, evaluate and run costs compare.
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  // The harness's own packages; everything the core uses is bundled, as in dist/extension.js.
  external: ['playwright-core', '@aws-sdk/*', 'mocha', 'fast-check', 'vscode'],
  plugins: [lazySdkPlugin(root)],
});
// It also holds the IAM Identity Center clients (src/sso/ssoSdkLoader.ts requires it too).
fs.copyFileSync(productionSdk, path.join(out, 'sdk.js'));
