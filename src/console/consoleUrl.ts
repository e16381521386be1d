/**
 * The AWS console federation sign-in, as pure functions: which sign-in host and console host a
 * partition uses, the `getSigninToken` request URL, the `login` URL, the console session duration
 * rules and the GetFederationToken name. No `vscode`, no network, no SDK.
 *
 * Protocol (IAM User Guide, "Enable custom identity broker access to the AWS console"):
 *   GET https://<signin host>/federation?Action=getSigninToken[&SessionDuration=N]&Session=<JSON>
 *     -> {"SigninToken": "..."}
 *   https://<signin host>/federation?Action=login&Issuer=...&Destination=<console URL>&SigninToken=...
 * The login URL is a bearer secret for 15 minutes: callers never log or store it.
 */
import { parseCallerArn, partitionOfRegion, type Partition } from '../shared/roleInput';
import type { CredentialPlan, CredentialSource } from '../config/credentialPlan';
import type { AwsCredentials, Identity } from '../shared/types';

export interface ConsoleHosts {
  /** The federation endpoint, e.g. https://signin.aws.amazon.com/federation */
  readonly federation: string;
  /** The console's domain, e.g. console.aws.amazon.com */
  readonly consoleDomain: string;
  /** Whether the console has region subdomains (`<region>.<domain>`) in this partition. */
  readonly regionalSubdomains: boolean;
}

/** Sign-in and console hosts per partition; the ISO partitions have no public console federation. */
const HOSTS: Partial<Record<Partition, ConsoleHosts>> = {
  aws: { federation: 'https://signin.aws.amazon.com/federation', consoleDomain: 'console.aws.amazon.com', regionalSubdomains: true },
  'aws-cn': { federation: 'https://signin.amazonaws.cn/federation', consoleDomain: 'console.amazonaws.cn', regionalSubdomains: false },
  'aws-us-gov': { federation: 'https://signin.amazonaws-us-gov.com/federation', consoleDomain: 'console.amazonaws-us-gov.com', regionalSubdomains: false },
};

/** The text `Issuer` carries: AWS shows it when the console session ends. */
export const CONSOLE_ISSUER = 'aws-identity-switcher';
/** How long AWS accepts a login URL (its sign-in token) after it was made. */
export const SIGNIN_LINK_LIFETIME_MINUTES = 15;
export const MIN_CONSOLE_SESSION_SECONDS = 900;
export const MAX_CONSOLE_SESSION_SECONDS = 43200;
/** GetFederationToken: root may ask for at most one hour. */
export const ROOT_FEDERATION_MAX_SECONDS = 3600;
/** GetFederationToken's Name: 2 to 32 characters of [\w+=,.@-]. */
export const FEDERATION_NAME_MAX = 32;
/**
 * The session policy passed to GetFederationToken. It allows everything, so it does not narrow
 * anything: the federated user's permissions are the intersection of this and the IAM user's own.
 */
export const ALLOW_ALL_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

export class ConsoleSignInError extends Error {
  override readonly name = 'ConsoleSignInError';
}

/** The hosts for a region's partition. @throws ConsoleSignInError for partitions without console federation */
export function consoleHosts(region: string): ConsoleHosts {
  const partition = partitionOfRegion(region);
  const hosts = HOSTS[partition];
  if (!hosts) {
    throw new ConsoleSignInError(
      `The region ${region} is in the ${partition} partition, which has no public console sign-in this extension knows. Sign in through your partition's own console, or pick an identity in a commercial, China or GovCloud region.`,
    );
  }
  return hosts;
}

/** The console home page for `region`, e.g. https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1 */
export function consoleDestination(region: string): string {
  const hosts = consoleHosts(region);
  const host = hosts.regionalSubdomains ? `${region}.${hosts.consoleDomain}` : hosts.consoleDomain;
  return `https://${host}/console/home?region=${encodeURIComponent(region)}`;
}

/**
 * The federation endpoint to use: the setting when given (tests, private endpoints), else the
 * partition's. An override must be https, or http on a loopback address (keys travel in it).
 * @throws ConsoleSignInError for an unusable override
 */
export function federationEndpoint(region: string, override: string | undefined): string {
  const text = override?.trim();
  if (!text) return consoleHosts(region).federation;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConsoleSignInError(`The setting awsIdentity.console.federationEndpoint ("${text}") is not a URL. Clear it to use AWS's sign-in endpoint.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConsoleSignInError(
      `The setting awsIdentity.console.federationEndpoint (${url.protocol}//${url.host}) must be an https URL (or http on a loopback address: 127.0.0.0/8, [::1] or localhost), because credentials are sent to it. Fix or clear it.`,
    );
  }
  if (url.search || url.hash) throw new ConsoleSignInError('The setting awsIdentity.console.federationEndpoint must not contain "?" or "#". Fix or clear it.');
  return url.toString();
}

/**
 * Whether a URL's `hostname` (as `URL` normalises it) is a loopback address: all of 127.0.0.0/8
 * (not only 127.0.0.1: a test endpoint on 127.0.0.2 keeps VS Code for the Web from rewriting its
 * links into the server's port proxy), `[::1]` or `localhost`.
 */
export function isLoopbackHost(hostname: string): boolean {
  // URL has already turned every IPv4 spelling (127.1, 0x7f000001) into four decimal octets.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** How the console session is made from the identity's credentials. */
export type ConsoleCredentialRoute =
  /** Temporary role credentials (assumed role, IAM Identity Center role): used as they are. */
  | { readonly route: 'session'; readonly chained: boolean }
  /** A federated user's credentials: used as they are, without SessionDuration. */
  | { readonly route: 'federatedUser' }
  /** Long-term IAM user (or root) keys: GetFederationToken first. */
  | { readonly route: 'federate'; readonly root: boolean }
  /** Cannot sign in to the console; `message` names the cause and the next step. */
  | { readonly route: 'unsupported'; readonly message: string };

/**
 * Decides how the identity `arn` with `creds` reaches the console. `chained`: the role session
 * was made with another role's credentials (AWS requires no SessionDuration then).
 */
export function consoleRoute(arn: string, creds: Pick<AwsCredentials, 'sessionToken'>, chained: boolean): ConsoleCredentialRoute {
  const resource = arn.split(':').slice(5).join(':');
  const type = resource.split('/')[0];
  if (type === 'assumed-role') {
    if (!creds.sessionToken) return { route: 'unsupported', message: `The credentials of ${arn} have no session token, so they cannot be a role session. Switch to the role again, then retry.` };
    return { route: 'session', chained };
  }
  if (type === 'federated-user') return { route: 'federatedUser' };
  if (type === 'user' || resource === 'root') {
    if (!creds.sessionToken) return { route: 'federate', root: resource === 'root' };
    return {
      route: 'unsupported',
      message:
        `${arn} is signed in with a GetSessionToken session (MFA or session credentials), and AWS does not let such sessions open the console. ` +
        'Use a role instead: assume a role from this identity (AWS Identity: Assume Role…), or pick a profile with role_arn, then open the console again.',
    };
  }
  return { route: 'unsupported', message: `The console cannot be opened for ${arn}: only roles, IAM users and federated users can sign in to it. Switch to a role or an IAM user profile, then try again.` };
}

/** What is known about how a role session was made, beyond the identity itself. */
export interface ChainingFacts {
  /**
   * The caller ARN of the identity whose credentials assumed the role, when it was the active
   * identity (Assume Role… from it: the session's parent).
   */
  readonly parentArn?: string;
  /** A profile's credential plan in the current reading of the config; undefined when it has none. */
  readonly plan: (profile: string) => CredentialPlan | undefined;
}

/**
 * Whether the role session `identity` is KNOWN to be chained (made with another role session's
 * credentials), the one case besides federated users where AWS refuses a console SessionDuration.
 * Wrongly true costs the user their console session length silently; wrongly false costs one
 * refused request, which createConsoleLink repeats without SessionDuration. So only what is
 * certain counts: an unknown source (credential_process, environment variables, static keys with a
 * session token) is not chained here.
 */
export function isKnownChainedRole(identity: Pick<Identity, 'arn' | 'source' | 'sourceProfile' | 'notes'>, facts: ChainingFacts): boolean {
  if (parseCallerArn(identity.arn).kind !== 'assumed-role') return false;
  const source = identity.source;
  // IAM Identity Center's GetRoleCredentials makes the role session itself: no role before it.
  if (source.type === 'ssoRole') return false;
  if (source.type === 'profile') {
    // Every role of the plan is assumed with the step before: the profile's own role is chained
    // when there is a role before it, or when the plan's source is itself a role session.
    const plan = facts.plan(source.profile);
    if (!plan || plan.roles.length === 0) return false;
    return plan.roles.length > 1 || sourceYieldsRoleSession(plan.source);
  }
  // Assume Role…: from the active identity (its ARN says what it was), or from a profile.
  if (facts.parentArn !== undefined) return parseCallerArn(facts.parentArn).kind === 'assumed-role';
  // Notes on an assumed role come only from role chaining: the duration capped for a source known
  // to be a role session, or STS refusing more than 1 hour for one (assumeRole.ts).
  if (identity.notes?.some((n) => /role chaining/i.test(n))) return true;
  const plan = identity.sourceProfile === undefined ? undefined : facts.plan(identity.sourceProfile);
  return plan !== undefined && (plan.roles.length > 0 || sourceYieldsRoleSession(plan.source));
}

/** Sources whose credentials are always a role session (never an IAM user's). */
function sourceYieldsRoleSession(source: CredentialSource): boolean {
  return source.type === 'sso' || source.type === 'webIdentity' || source.type === 'containerMetadata' || source.type === 'instanceMetadata';
}

/**
 * SessionDuration for getSigninToken: the setting (clamped to 900..43200) for role sessions;
 * omitted (undefined) for chained roles (AWS refuses it: they get at most one hour) and for
 * federated users (their console session lasts as long as the GetFederationToken credentials).
 */
export function signinSessionDuration(route: ConsoleCredentialRoute, requestedSeconds: number): number | undefined {
  if (route.route !== 'session' || route.chained) return undefined;
  return clampConsoleDuration(requestedSeconds);
}

export function clampConsoleDuration(seconds: number): number {
  const s = Number.isFinite(seconds) ? Math.round(seconds) : 3600;
  return Math.min(MAX_CONSOLE_SESSION_SECONDS, Math.max(MIN_CONSOLE_SESSION_SECONDS, s));
}

/** DurationSeconds for GetFederationToken: the setting, at most one hour for root. */
export function federationTokenDuration(requestedSeconds: number, root: boolean): number {
  const s = clampConsoleDuration(requestedSeconds);
  return root ? Math.min(s, ROOT_FEDERATION_MAX_SECONDS) : s;
}

/**
 * GetFederationToken's Name from the IAM user name: characters STS refuses become `-`, cut to
 * 32 characters; shorter than 2 becomes `vscode-console`.
 */
export function federationName(userName: string): string {
  const cleaned = userName
    .trim()
    .replace(/[^\w+=,.@-]/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, FEDERATION_NAME_MAX);
  return cleaned.length >= 2 ? cleaned : 'vscode-console';
}

/** The `Session` parameter: exactly the three fields, in AWS's names. */
export function sessionJson(creds: AwsCredentials): string {
  if (!creds.sessionToken) throw new ConsoleSignInError('Internal error: console sign-in needs temporary credentials (with a session token).');
  return JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
}

/** The getSigninToken request URL (a secret: it carries the credentials). */
export function signinTokenUrl(endpoint: string, creds: AwsCredentials, sessionDuration: number | undefined): string {
  const url = new URL(endpoint);
  url.searchParams.set('Action', 'getSigninToken');
  if (sessionDuration !== undefined) url.searchParams.set('SessionDuration', String(sessionDuration));
  url.searchParams.set('Session', sessionJson(creds));
  return url.toString();
}

/** The login URL (a secret for 15 minutes: whoever opens it is signed in). */
export function loginUrl(endpoint: string, signinToken: string, destination: string): string {
  const url = new URL(endpoint);
  url.searchParams.set('Action', 'login');
  url.searchParams.set('Issuer', CONSOLE_ISSUER);
  url.searchParams.set('Destination', destination);
  url.searchParams.set('SigninToken', signinToken);
  return url.toString();
}

/** Reads `{"SigninToken": "..."}`. @throws ConsoleSignInError naming the endpoint (never the token) */
export function parseSigninToken(body: string, endpointForMessages: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ConsoleSignInError(`${endpointForMessages} answered getSigninToken with something other than JSON. Check awsIdentity.console.federationEndpoint (clear it to use AWS's), or a proxy in between, then try again.`);
  }
  const token = (parsed as { SigninToken?: unknown } | null)?.SigninToken;
  if (typeof token !== 'string' || token === '') {
    throw new ConsoleSignInError(`${endpointForMessages} answered getSigninToken without a SigninToken. Check awsIdentity.console.federationEndpoint (clear it to use AWS's), then try again.`);
  }
  return token;
}
