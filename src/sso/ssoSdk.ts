/**
 * The SSO part of the AWS SDK: the ONLY module of src/sso with value imports from `@aws-sdk/*`.
 * Like src/credentials/sdk.ts, it is meant to be bundled on its own (dist/ssoSdk.js) and reached
 * through `loadSsoSdk()` (ssoSdkLoader.ts) on first use, so activation never parses it.
 */
export { SSOOIDCClient, RegisterClientCommand, StartDeviceAuthorizationCommand, CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
export { SSOClient, ListAccountsCommand, ListAccountRolesCommand, GetRoleCredentialsCommand, LogoutCommand } from '@aws-sdk/client-sso';
