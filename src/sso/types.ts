/**
 * The shapes src/sso works with. Pure: no `vscode`, no SDK, no I/O.
 */
import type { Clock, Logger } from '../shared/types';

/** Environment variables the SSO code reads; `process.env` unless a caller passes its own. */
export type SsoEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * What a sign-in is for: an `[sso-session NAME]` section, or a legacy profile that carries
 * sso_start_url and sso_region itself (`sessionName` undefined). The cache key, the registration
 * and the flow the AWS CLI uses all depend on which of the two it is.
 */
export interface SsoSession {
  readonly sessionName?: string;
  readonly startUrl: string;
  readonly region: string;
  /** `sso_registration_scopes` of the sso-session, already split on commas; undefined when unset. */
  readonly registrationScopes?: ReadonlyArray<string>;
}

/** A bearer token for the portal, as handed to the caller. Lives in memory only. */
export interface SsoAccessToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly startUrl: string;
  readonly region: string;
}

/** Everything the SSO code needs from its surroundings; all optional, defaults are the real ones. */
export interface SsoContext {
  /** ~/.aws/sso/cache unless given. */
  readonly cacheDir?: string;
  readonly clock?: Clock;
  readonly env?: SsoEnvironment;
  /** SSO-OIDC endpoint; else AWS_ENDPOINT_URL_SSO_OIDC, else the region's public endpoint. */
  readonly oidcEndpoint?: string;
  /** Portal endpoint; else AWS_ENDPOINT_URL_SSO, else the region's public endpoint. */
  readonly portalEndpoint?: string;
  readonly logger?: Logger;
  /** Cross-process lock tuning (tests shorten these). */
  readonly lock?: {
    readonly staleMs?: number;
    readonly pollMs?: number;
    readonly timeoutMs?: number;
  };
}

/** What the device-code flow shows the user (the VS Code side renders it). */
export interface DeviceCodePrompt {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  readonly expiresAt: Date;
}

/** The interactive parts of a sign-in, injected by the UI layer. */
export interface SignInUi {
  /** 'authorizationCode' (PKCE, the AWS CLI v2's default since 2.22) or 'deviceCode'. */
  readonly flow: 'authorizationCode' | 'deviceCode';
  /** Opens a URL in the user's browser (vscode.env.openExternal); false when it could not. */
  openUrl(url: string): Promise<boolean>;
  /** Device flow: shows the user code and where to enter it. Called once, before polling. */
  showDeviceCode?(prompt: DeviceCodePrompt): void;
  /** Another window is signing in to the same session; this call waits for its result. */
  onWaitingForOtherSignIn?(): void;
  readonly signal?: AbortSignal;
  /** How long to wait for the browser callback (authorization code flow); default 10 minutes, as the CLI. */
  readonly callbackTimeoutMs?: number;
}

export interface SsoAccount {
  readonly accountId: string;
  readonly accountName?: string;
  readonly emailAddress?: string;
}

export interface SsoRole {
  readonly accountId: string;
  readonly roleName: string;
}
