/**
 * Loads the AWS SDK facade (sdk.ts → dist/sdk.js) on first use.
 *
 * Why a function and not an import: a top-level `import ... from './sdk'` would make esbuild pull
 * the SDK into dist/extension.js and Node parse it at activation. `require('./sdk')` inside a
 * function is left as a runtime require of the sibling bundle (see esbuild.mjs, plugin `lazy-sdk`).
 */
type SdkModule = typeof import('./sdk');

let sdk: SdkModule | undefined;

/** The SDK facade, required once and memoised. Throws if dist/sdk.js is missing from the package. */
export function loadSdk(): SdkModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sdk ??= require('./sdk') as SdkModule;
  return sdk;
}
