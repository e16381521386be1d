/**
 * The AWS SDK facade: the ONLY module with value imports from `@aws-sdk/*` / `@smithy/*`.
 *
 * esbuild bundles this file on its own into dist/sdk.js; every other module reaches it through
 * `loadSdk()` (sdkLoader.ts), which `require`s it on first use. Activation therefore never pays for
 * parsing the SDK. Re-export only what the core uses, so the surface between the two bundles stays
 * small and explicit.
 */
export { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
// The providers that carry out a plan's source (sourceCredentials.ts). The config layer decided
// which one applies and with what parameters; these only make the network calls. IAM Identity
// Center is not among them: src/sso does it with its own clients (ssoSdk.ts, in the same bundle).
export { fromContainerMetadata, fromEnv, fromInstanceMetadata, fromLoginCredentials, fromTokenFile } from '@aws-sdk/credential-providers';
// The `aws login` provider looks a profile up in the config file even when given every setting;
// this bundle's file cache is where it is handed a config written from the plan instead (see
// planConfig.ts).
export { externalDataInterceptor } from '@smithy/core/config';
