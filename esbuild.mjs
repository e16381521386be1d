// Bundles the extension into dist/. Three outputs on purpose:
//  - dist/extension.js: what VS Code loads at activation; kept small (no AWS SDK).
//  - dist/sdk.js: the AWS SDK facade (src/credentials/sdk.ts), required on first use only.
//  - dist/ssoSdk.js: the IAM Identity Center clients (src/sso/ssoSdk.ts), required on the first
//    SSO call only: users without SSO profiles never load them.
// `require('./sdk')` in src/credentials and `require('./ssoSdk')` in src/sso stay runtime
// requires of the sibling bundles (scripts/lazy-sdk-plugin.mjs).
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { lazySdkPlugin } from './scripts/lazy-sdk-plugin.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = path.dirname(fileURLToPath(import.meta.url));

/** Keeps the lazily loaded SDK out of the activation bundle. */
const lazySdk = lazySdkPlugin(root);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazySdk], metafile: true },
  // The SDK's ES module builds tree-shake far better than its CommonJS ones (459 -> 301 KiB minified).
  // bowser parses a browser's user agent. @aws-sdk/core reaches it only through a dynamic import in
  // its browser user-agent provider, which Node clients never call, so it stays out of the bundle.
  { ...common, entryPoints: ['src/credentials/sdk.ts'], outfile: 'dist/sdk.js', metafile: true, mainFields: ['module', 'main'], external: ['bowser'] },
  // Separate from sdk.js, although both hold smithy's core: merging them would make every switch
  // (STS only) parse the SSO clients too, and an SSO-only user still needs STS for GetCallerIdentity.
  { ...common, entryPoints: ['src/sso/ssoSdk.ts'], outfile: 'dist/ssoSdk.js', metafile: true, mainFields: ['module', 'main'] },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const r of results) {
    for (const [file, out] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KiB`);
    }
  }
}
