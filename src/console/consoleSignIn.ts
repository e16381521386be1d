/**
 * Makes a console login URL for an identity: picks the route (consoleUrl.ts), federates long-term
 * keys with GetFederationToken, asks the federation endpoint for a sign-in token, and builds the
 * login URL. Pure: no `vscode`; the HTTP GET is injectable for tests.
 *
 * Secrets: the credentials, the getSigninToken URL, the token and the login URL are never put in
 * an error message or a log line; messages name only the endpoint (without its query).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AwsCredentials } from '../shared/types';
import {
  ALLOW_ALL_POLICY,
  ConsoleSignInError,
  consoleDestination,
  consoleRoute,
  federationEndpoint,
  federationName,
  federationTokenDuration,
  loginUrl,
  parseSigninToken,
  signinSessionDuration,
  signinTokenUrl,
  type ConsoleCredentialRoute,
} from './consoleUrl';
import { getFederationToken } from '../credentials/federationToken';
import type { StsCallOptions } from '../credentials/sts';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}
export type HttpGet = (url: string, timeoutMs: number) => Promise<HttpAnswer>;

export interface ConsoleIdentity {
  readonly arn: string;
  /** The IAM user or role name (the federated user is named after it). */
  readonly name: string;
  readonly region: string;
}

export interface ConsoleSignInRequest {
  readonly identity: ConsoleIdentity;
  /** The identity's own credentials (long-term keys stay long-term: NOT the exportable wrapper). */
  readonly credentials: AwsCredentials;
  /** The role session was made with another role's credentials. */
  readonly chained: boolean;
  /** awsIdentity.console.sessionDurationSeconds */
  readonly sessionDurationSeconds: number;
  /** awsIdentity.console.federationEndpoint (empty: the partition's). */
  readonly federationEndpoint?: string;
}

export interface ConsoleSignInDeps {
  readonly get?: HttpGet;
  readonly sts?: StsCallOptions;
  readonly timeoutMs?: number;
}

export interface ConsoleLink {
  /** SECRET for 15 minutes. */
  readonly url: string;
  readonly destination: string;
  readonly route: ConsoleCredentialRoute['route'];
  /** Console session length asked for (undefined: AWS's default for the route). */
  readonly sessionDuration?: number;
  /** A sentence for the log: how it was made, without anything secret. */
  readonly description: string;
}

/** Plain GET with a timeout; no redirects followed. */
export const nodeGet: HttpGet = (url, timeoutMs) =>
  new Promise((resolve, reject) => {
    const lib = url.startsWith('http:') ? http : https;
    const req = lib.get(url, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });

/** Builds the login URL. @throws ConsoleSignInError (cause and next step; never a secret) */
export async function createConsoleLink(req: ConsoleSignInRequest, deps: ConsoleSignInDeps = {}): Promise<ConsoleLink> {
  const { identity } = req;
  const endpoint = federationEndpoint(identity.region, req.federationEndpoint);
  const destination = consoleDestination(identity.region);
  const route = consoleRoute(identity.arn, req.credentials, req.chained);
  if (route.route === 'unsupported') throw new ConsoleSignInError(route.message);

  let creds = req.credentials;
  let how: string;
  if (route.route === 'federate') {
    const durationSeconds = federationTokenDuration(req.sessionDurationSeconds, route.root);
    const name = federationName(identity.name);
    creds = await getFederationToken(creds, { name, policy: ALLOW_ALL_POLICY, durationSeconds }, identity.region, { callerArn: identity.arn, ...deps.sts });
    how = `federated user "${name}" (GetFederationToken, ${durationSeconds} s, the user's own permissions)`;
  } else {
    how = route.route === 'federatedUser' ? 'the federated user session' : route.chained ? 'the chained role session (console session of at most 1 hour)' : 'the role session';
  }
  let sessionDuration = signinSessionDuration(route, req.sessionDurationSeconds);
  let token: string;
  try {
    token = await requestSigninToken(endpoint, creds, sessionDuration, deps);
  } catch (error) {
    // A role chained from another role that could not be recognised as such (credential_process,
    // environment keys): AWS refuses any SessionDuration for it. Asked once more without it (such a
    // console session lasts only as long as the role credentials, at most 1 hour).
    if (!(error instanceof RefusedError) || sessionDuration === undefined) throw error;
    sessionDuration = undefined;
    try {
      token = await requestSigninToken(endpoint, creds, undefined, deps);
    } catch (again) {
      throw again instanceof RefusedError ? new RefusedError(again.where, again.status, true) : again;
    }
    how += ' (asked again without a session duration: AWS refused one, as it does for chained roles)';
  }
  return {
    url: loginUrl(endpoint, token, destination),
    destination,
    route: route.route,
    ...(sessionDuration !== undefined ? { sessionDuration } : {}),
    description: `console sign-in for ${identity.arn} through ${how}, ${endpointForMessages(endpoint)}, destination ${destination}`,
  };
}

/**
 * The endpoint refused the credentials (HTTP 400/401/403). Only a refusal without SessionDuration
 * reaches the user (one with it is asked again without), so the message is about the credentials.
 */
class RefusedError extends ConsoleSignInError {
  constructor(
    readonly where: string,
    readonly status: number,
    /** Refused with a console session duration first, then without one. */
    withAndWithoutDuration = false,
  ) {
    super(
      `The AWS sign-in endpoint ${where} refused the credentials (HTTP ${status})${withAndWithoutDuration ? ', with a console session duration and without one' : ''}: ` +
        'they may have expired or been revoked, or be of a kind the console does not accept. Switch to the identity again (or assume a role), then retry.',
    );
  }
}

function endpointForMessages(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

async function requestSigninToken(endpoint: string, creds: AwsCredentials, sessionDuration: number | undefined, deps: ConsoleSignInDeps): Promise<string> {
  const where = endpointForMessages(endpoint);
  const get = deps.get ?? nodeGet;
  let answer: HttpAnswer;
  try {
    answer = await get(signinTokenUrl(endpoint, creds, sessionDuration), deps.timeoutMs ?? 10_000);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConsoleSignInError(`The AWS sign-in endpoint ${where} could not be reached (${code ?? 'network error'}). Check the network or proxy (and awsIdentity.console.federationEndpoint if set), then try again.`);
  }
  if (answer.status === 200) return parseSigninToken(answer.body, where);
  if (answer.status === 400 || answer.status === 401 || answer.status === 403) throw new RefusedError(where, answer.status);
  throw new ConsoleSignInError(`The AWS sign-in endpoint ${where} answered HTTP ${answer.status}. Try again in a minute; if it persists, check the network or proxy.`);
}
