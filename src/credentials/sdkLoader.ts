/**
 * Loads the AWS SDK facade (sdk.ts → dist/sdk.js) on first use.
 *
 * Why a function and not an import: a top-level `import ... from './sdk'` would make esbuild pull
 * the SDK into dist/extension.js and Node parse it at activation. `require('./sdk')` inside a
 * function is left as a runtime require of the sibling bundle (see esbuild.mjs, plugin `lazy-sdk`).
 */
import { UserFacingError } from './errors';

type SdkModule = typeof import('./sdk');

let sdk: SdkModule | undefined;

/**
 * The SDK facade, required once and memoised.
 * @throws UserFacingError when the bundle is missing or broken (an incomplete installation)
 */
export function loadSdk(): SdkModule {
  if (sdk) return sdk;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('./sdk') as SdkModule;
  } catch (error) {
    throw new UserFacingError(
      'unknown',
      `The AWS SDK part of the extension could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). Reinstall the extension; if that does not help, report it with the log.`,
      { cause: error },
    );
  }
  return sdk;
}

/** True once the SDK has been loaded (activation must leave this false). */
export function isSdkLoaded(): boolean {
  return sdk !== undefined;
}
