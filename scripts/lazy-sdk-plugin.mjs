// The esbuild rule shared by esbuild.mjs and bench/build.mjs: the AWS SDK facades are not bundled
// into the code that imports them but stay runtime requires of the sibling bundle sdk.js, built
// separately and loaded on first use only, so activation never parses the SDK:
//  - `./sdk` imported from src/credentials (STS and the credential providers);
//  - `./ssoSdk` imported from src/sso (SSO-OIDC and the portal).
// Both facades are in the one sdk.js (see esbuild.mjs for why).
// Only those exact directories: the same specifier elsewhere is an ordinary import.
import path from 'node:path';

/** @param {string} root the repository root */
export function lazySdkPlugin(root) {
  const lazy = new Map([
    ['./sdk', path.join(root, 'src', 'credentials')],
    ['./ssoSdk', path.join(root, 'src', 'sso')],
  ]);
  return {
    name: 'lazy-sdk',
    setup(build) {
      build.onResolve({ filter: /^\.\/(sdk|ssoSdk)$/ }, (args) =>
        path.resolve(args.resolveDir) === lazy.get(args.path) ? { path: './sdk.js', external: true } : undefined,
      );
    },
  };
}
