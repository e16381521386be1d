// Bundles the extension into dist/. Two outputs on purpose:
//  - dist/extension.js: what VS Code loads at activation; kept small (no AWS SDK).
//  - dist/sdk.js: the AWS SDK facades (src/credentials/sdk.ts for STS and the credential
//    providers, src/sso/ssoSdk.ts for the IAM Identity Center clients), required on first use.
// `require('./sdk')` in src/credentials and `require('./ssoSdk')` in src/sso both stay runtime
// requires of dist/sdk.js (scripts/lazy-sdk-plugin.mjs).
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
  //
  // One bundle for both facades: the SSO clients share almost all of their code with STS and the
  // credential providers (smithy's core, the signer, the nested clients), so two bundles shipped
  // that code twice. One costs an STS-only user a slightly longer first load and spares every
  // SSO user the second one (docs/performance.md has the figures).
  {
    ...common,
    stdin: { contents: "export * from './src/credentials/sdk';\nexport * from './src/sso/ssoSdk';\n", resolveDir: root, loader: 'ts', sourcefile: 'sdk-bundle.ts' },
    outfile: 'dist/sdk.js',
    metafile: true,
    mainFields: ['module', 'main'],
    external: ['bowser'],
  },
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
