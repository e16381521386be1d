/**
 * The AWS SDK facade: the ONLY module with value imports from `@aws-sdk/*` / `@smithy/*`.
 *
 * esbuild bundles this file on its own into dist/sdk.js; every other module reaches it through
 * `loadSdk()` (sdkLoader.ts), which `require`s it on first use. Activation therefore never pays for
 * parsing the SDK (~0.3-0.45 MB of JavaScript). Re-export only what the core uses, so the surface
 * between the two bundles stays small and explicit.
 */
export { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
// fromSSO is used directly (not only through fromIni) because fromIni does not forward
// `filepath`/`configFilepath` to it: see profileCredentials.ts.
export { fromIni, fromSSO } from '@aws-sdk/credential-providers';
// The same INI parser fromIni uses, so "which profile, which keys" is decided exactly as the SDK does.
// externalDataInterceptor: this bundle's own file cache, through which fromIni is handed the few
// sections a profile needs instead of reading the whole files (see sdkSections.ts).
export { parseKnownFiles, externalDataInterceptor } from '@smithy/shared-ini-file-loader';
// The SDK's own reading of the settings its clients load from the shared config, used to read
// them once per switch and hand them to the clients (see clientSettings.ts). Already in this
// bundle through the clients, so exporting them adds nothing to its size.
export { loadConfig, getProfileName, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS } from '@smithy/core/config';
export { NODE_APP_ID_CONFIG_OPTIONS } from '@aws-sdk/core/client';
export { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes';
