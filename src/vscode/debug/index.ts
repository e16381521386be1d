/** Debug launches get the active identity: see debugCredentials.ts. */
export { DebugCredentials, GRANT_MARKER } from './debugCredentials';
export type { DebugCredentialsOptions } from './debugCredentials';
export { SharedEndpoint } from './sharedEndpoint';
