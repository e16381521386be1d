// The esbuild rule shared by esbuild.mjs and bench/build.mjs: the AWS SDK facades are not bundled
// into the code that imports them but stay runtime requires of sibling bundles, built separately
// and loaded on first use only, so activation never parses the SDK:
//  - `./sdk` imported from src/credentials -> sdk.js (STS and the credential providers);
//  - `./ssoSdk` imported from src/sso -> ssoSdk.js (SSO-OIDC and the portal).
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
        path.resolve(args.resolveDir) === lazy.get(args.path) ? { path: `${args.path}.js`, external: true } : undefined,
      );
    },
  };
}
