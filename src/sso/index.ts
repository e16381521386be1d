/**
 * The public surface of src/sso for the VS Code side. Importing this loads no AWS SDK code:
 * the SDK is required on the first network call (ssoSdkLoader.ts).
 */
export type { DeviceCodePrompt, SignInUi, SsoAccessToken, SsoAccount, SsoContext, SsoEnvironment, SsoRole, SsoSession } from './types';
export { isCancelledSignIn, SsoError, type SsoErrorKind } from './errors';
export { cachedTokenState, getSsoToken, REFRESH_WINDOW_MS, signIn, signOut, type CachedTokenState, type SignOutResult } from './manager';
export { getRoleCredentials, listAccountRoles, listAccounts, logout } from './portal';
export { defaultCacheDir, registrationCacheKey, tokenCacheKey } from './cache';
export { isSsoSdkLoaded } from './ssoSdkLoader';
