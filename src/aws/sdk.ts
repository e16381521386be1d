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
