/**
 * Loads the SSO SDK facade (ssoSdk.ts, bundled with the STS one into dist/sdk.js) on first use.
 * A function and not an import for the reason sdkLoader.ts gives: a top-level import would pull
 * the SDK into the activation bundle.
 */
import { SsoError } from './errors';

type SsoSdkModule = typeof import('./ssoSdk');

let sdk: SsoSdkModule | undefined;

export function loadSsoSdk(): SsoSdkModule {
  if (sdk) return sdk;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('./ssoSdk') as SsoSdkModule;
  } catch (error) {
    throw new SsoError(
      'sdk',
      `The IAM Identity Center part of the extension could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). Reinstall the extension; if that does not help, report it with the log.`,
      { cause: error },
    );
  }
  return sdk;
}

/** True once the SSO SDK has been loaded (activation must leave this false). */
export function isSsoSdkLoaded(): boolean {
  return sdk !== undefined;
}
