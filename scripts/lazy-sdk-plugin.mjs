// The esbuild rule shared by esbuild.mjs and bench/build.mjs: `./sdk` imported from src/credentials is not
// bundled but stays a runtime require of the sibling sdk.js, the separately built AWS SDK facade
// that the extension loads on first use only.
import path from 'node:path';

/** @param {string} root the repository root */
export function lazySdkPlugin(root) {
  const sdkDir = path.join(root, 'src', 'credentials');
  return {
    name: 'lazy-sdk',
    setup(build) {
      build.onResolve({ filter: /^\.\/sdk$/ }, (args) => (path.resolve(args.resolveDir) === sdkDir ? { path: './sdk.js', external: true } : undefined));
    },
  };
}
