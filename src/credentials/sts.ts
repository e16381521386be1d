/**
 * Thin, typed functions over the three STS operations the extension needs, plus the plumbing
 * every STS request shares (ours and the one the SDK's web identity provider makes):
 *  - endpoint: the SDK's own resolution, so `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` apply;
 *    with no region, us-east-1 on the global endpoint (sts.amazonaws.com), as the CLI does;
 *  - bounded retries (the SDK's standard strategy: exponential backoff with jitter on throttling,
 *    5xx and network errors) and connect/request timeouts, so an unreachable STS fails in seconds;
 *  - observation: every HTTP attempt is announced on `onStsCall` (benchmarks and tests count STS
 *    calls with it) and the response `Date` header feeds `ClockSkew` (clockSkew.ts), so
 *    expirations are converted to the local clock even when it is off by minutes;
 *  - errors become `UserFacingError`s that name the endpoint, role and caller.
 *
 * The SDK is reached through `loadSdk()`: importing this module does not load it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Pluggable } from '@smithy/types';
import { loadSdk } from './sdkLoader';
import { Emitter, Event } from '../shared/events';
import { AwsCallContext, UserFacingError, errorCode, toUserFacingError } from './errors';
import { AwsCredentials, Clock, systemClock } from '../shared/types';
import { ClockSkew } from './clockSkew';
import { parseCallerArn } from '../shared/roleInput';
import type { ClientSettings } from '../config/credentialPlan';

export { ClockSkew };

/** Retry and timeout settings for STS requests. */
export interface StsTuning {
  /** Total HTTP attempts per operation, first try included (SDK `maxAttempts`). */
  readonly maxAttempts: number;
  /** Time allowed to establish the TCP/TLS connection. */
  readonly connectTimeoutMs: number;
  /** Time allowed for the whole response once connected (a stalled STS fails after this). */
  readonly requestTimeoutMs: number;
}

/**
 * 3 attempts, 3 s to connect, 5 s per request. Refused connections and DNS failures fail in well
 * under a second; a black-holed STS after ~10 s; a stalled one after ~16 s (3 × 5 s + backoff).
 */
export const DEFAULT_STS_TUNING: StsTuning = { maxAttempts: 3, connectTimeoutMs: 3000, requestTimeoutMs: 5000 };

/** One HTTP attempt to STS (a retried operation fires once per attempt). */
export interface StsCallEvent {
  /** `AssumeRole`, `GetCallerIdentity`, `GetSessionToken`, ... */
  readonly operation: string;
  /** Where the request went, e.g. `https://sts.amazonaws.com/` or the AWS_ENDPOINT_URL_STS value. */
  readonly endpoint: string;
  /** HTTP status, absent when no response arrived (refused, timed out). */
  readonly statusCode?: number;
  /** Network error code when no response arrived. */
  readonly errorCode?: string;
}

const stsCalls = new Emitter<StsCallEvent>();
/**
 * Fires for every HTTP attempt to STS made by the core (including the AssumeRoleWithWebIdentity
 * call of the SDK's web identity provider). Subscribe to count STS calls.
 */
export const onStsCall: Event<StsCallEvent> = stsCalls.event;

/** Counts STS attempts while alive; `dispose()` stops counting. */
export class StsCallCounter {
  private readonly subscription;
  readonly calls: StsCallEvent[] = [];
  constructor() {
    this.subscription = onStsCall((e) => this.calls.push(e));
  }
  get total(): number {
    return this.calls.length;
  }
  /** Attempts of one operation, e.g. `count('AssumeRole')`. */
  count(operation: string): number {
    return this.calls.filter((c) => c.operation === operation).length;
  }
  /** `{ AssumeRole: 1, GetCallerIdentity: 1 }` style summary. */
  byOperation(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
    return out;
  }
  reset(): void {
    this.calls.length = 0;
  }
  dispose(): void {
    this.subscription.dispose();
  }
}

/** Options shared by the STS functions. */
export interface StsCallOptions {
  readonly tuning?: Partial<StsTuning>;
  /** Learns the server/local offset from responses and converts expirations to the local clock. */
  readonly skew?: ClockSkew;
  /** ARN of the identity whose credentials make the call (named in AccessDenied messages). */
  readonly callerArn?: string;
  /** Human label of the calling credentials ("profile dev"), named in ExpiredToken messages. */
  readonly sourceLabel?: string;
  readonly profile?: string;
  /** Where the region came from (RegionChoice), named when STS cannot be found for it. */
  readonly regionOrigin?: string;
  /** The profile whose duration_seconds an AssumeRole asks for, and the config file it is in. */
  readonly durationProfile?: string;
  readonly configFile?: string;
  /** The shared-config settings for the client (ConfigSnapshot.clientSettings); else the client reads the files. */
  readonly clientSettings?: ClientSettings;
}

// One keep-alive agent per scheme, shared by every short-lived client (ours and those the SDK's
// providers make from stsClientConfig), so connections are reused across calls. The SDK's request
// handler destroys the agents it was given when its client is destroyed, which would reset every
// other client's request in flight (ECONNRESET: retried, an AssumeRole would present its one-time
// MFA code twice). So these agents ignore destroy(). Their idle sockets are unref'd, so they
// never keep a process alive.
class SharedHttpAgent extends http.Agent {
  override destroy(): void {}
}
class SharedHttpsAgent extends https.Agent {
  override destroy(): void {}
}
const sharedHttpAgent = new SharedHttpAgent({ keepAlive: true, maxSockets: 8 });
const sharedHttpsAgent = new SharedHttpsAgent({ keepAlive: true, maxSockets: 8 });

function tuningOf(options: StsCallOptions | undefined): StsTuning {
  return { ...DEFAULT_STS_TUNING, ...options?.tuning };
}

/** The shared-config settings as configuration of any SDK client, so that it does not read the files for them. */
export function sdkClientConfig(settings: ClientSettings): Record<string, unknown> {
  return {
    useFipsEndpoint: settings.useFipsEndpoint,
    useDualstackEndpoint: settings.useDualstackEndpoint,
    // A provider even when there is no app id: `undefined` would make the client read the files.
    userAgentAppId: () => Promise.resolve(settings.userAgentAppId),
    authSchemePreference: [...settings.authSchemePreference],
  };
}

/**
 * SDK client configuration for STS: region (or us-east-1 + the global endpoint when none
 * applies), retries and timeouts, and the shared-config settings when known. Also the base of
 * the configuration of the SDK providers' own clients (SSO, web identity).
 */
export function stsClientConfig(region: string | undefined, tuning: StsTuning, settings?: ClientSettings): Record<string, unknown> {
  return {
    ...(settings ? sdkClientConfig(settings) : {}),
    region: region ?? 'us-east-1',
    // Only for the fallback: with an explicit region the regional endpoint is the right one
    // (and the SDK would send legacy "global" regions like eu-west-1 to sts.amazonaws.com too).
    ...(region === undefined ? { useGlobalEndpoint: true } : {}),
    maxAttempts: tuning.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: tuning.connectTimeoutMs,
      requestTimeout: tuning.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      httpAgent: sharedHttpAgent,
      httpsAgent: sharedHttpsAgent,
    },
  };
}

/** What the observer saw of the last attempt of one operation. */
export interface StsObservation {
  endpoint?: string;
  serverTime?: Date;
  localTimeAtResponse?: number;
}

interface ObservedRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
}
interface ObservedResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

function urlOf(req: ObservedRequest | undefined): string {
  if (!req?.hostname) return 'unknown endpoint';
  const protocol = req.protocol ?? 'https:';
  return `${protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path ?? '/'}`;
}

/**
 * A middleware plugin that watches each HTTP attempt: fires `onStsCall`, records the endpoint and
 * the server `Date` into `observation`, and feeds `skew`. Used on our clients and passed to the
 * SDK's web identity provider as `clientPlugins`, so its STS call is observed the same way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- applies to any client's stack (ours and the web identity provider's)
export function stsObserverPlugin(observation: StsObservation, clock: Clock, skew?: ClockSkew): Pluggable<any, any> {
  return {
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          const operation = String((context as { commandName?: string }).commandName ?? 'Unknown').replace(/Command$/, '');
          const request = (args as { request?: ObservedRequest }).request;
          const endpoint = urlOf(request);
          observation.endpoint = endpoint;
          try {
            const result = await next(args);
            const response = (result as { response?: ObservedResponse }).response;
            const date = response?.headers?.date ?? response?.headers?.Date;
            if (date) {
              const localNow = clock.now();
              observation.serverTime = new Date(date);
              observation.localTimeAtResponse = localNow;
              skew?.observe(observation.serverTime, localNow);
            }
            stsCalls.fire({ operation, endpoint, statusCode: response?.statusCode });
            return result;
          } catch (error) {
            stsCalls.fire({ operation, endpoint, errorCode: errorCode(error) });
            throw error;
          }
        },
        // Inside the retry loop (finalizeRequest) and before deserialisation: sees every attempt
        // and the raw HTTP response, error responses included.
        { step: 'deserialize', priority: 'low', name: 'awsIdentitySwitcherStsObserver', override: true },
      );
    },
  };
}

type Sdk = ReturnType<typeof loadSdk>;
type StsClientInstance = InstanceType<Sdk['STSClient']>;

export async function withClient<T>(
  creds: AwsCredentials,
  region: string | undefined,
  options: StsCallOptions | undefined,
  context: Omit<AwsCallContext, 'endpoint' | 'region'>,
  call: (client: StsClientInstance, sdk: Sdk) => Promise<T>,
): Promise<{ output: T; observation: StsObservation }> {
  const sdk = loadSdk();
  const clock = options?.skew?.clock ?? systemClock;
  const observation: StsObservation = {};
  const client = new sdk.STSClient({
    ...stsClientConfig(region, tuningOf(options), options?.clientSettings),
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
  });
  client.middlewareStack.use(stsObserverPlugin(observation, clock, options?.skew));
  try {
    return { output: await call(client, sdk), observation };
  } catch (error) {
    throw toUserFacingError(error, {
      ...context,
      callerArn: context.callerArn ?? options?.callerArn,
      sourceLabel: context.sourceLabel ?? options?.sourceLabel,
      profile: context.profile ?? options?.profile,
      configFile: options?.configFile,
      durationProfile: options?.durationProfile,
      regionOrigin: options?.regionOrigin,
      endpoint: observation.endpoint,
      region: region ?? 'us-east-1',
    });
  } finally {
    // Leaves the shared agents alone (they ignore destroy()), so other requests in flight go on.
    client.destroy();
  }
}

function toLocalExpiration(expiration: Date | undefined, options: StsCallOptions | undefined): Date | undefined {
  return expiration && options?.skew ? options.skew.toLocal(expiration) : expiration;
}

export function credentialsFrom(
  c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  operation: AwsCallContext['operation'],
  options: StsCallOptions | undefined,
  accountId?: string,
): AwsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey) {
    throw new UserFacingError('unknown', `STS answered ${operation} without credentials. This is unexpected: try again, and check the STS endpoint (AWS_ENDPOINT_URL_STS) is really STS.`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: toLocalExpiration(c.Expiration, options),
    accountId,
  };
}

/** Who a set of credentials belongs to, as STS says. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/**
 * `sts:GetCallerIdentity`. `region` undefined means us-east-1 on the global endpoint.
 * @throws UserFacingError
 */
export async function getCallerIdentity(creds: AwsCredentials, region: string | undefined, options?: StsCallOptions): Promise<CallerIdentity> {
  const { output } = await withClient(creds, region, options, { operation: 'GetCallerIdentity' }, (client, sdk) => client.send(new sdk.GetCallerIdentityCommand({})));
  if (!output.Arn || !output.Account) {
    throw new UserFacingError('unknown', 'STS answered GetCallerIdentity without an ARN. Check the STS endpoint (AWS_ENDPOINT_URL_STS) is really STS, then try again.');
  }
  return { arn: output.Arn, account: output.Account, userId: output.UserId ?? '' };
}

export interface AssumeRoleParams {
  readonly roleArn: string;
  readonly sessionName: string;
  /** Omitted: STS's default (3600). */
  readonly durationSeconds?: number;
  readonly externalId?: string;
  readonly mfaSerial?: string;
  readonly tokenCode?: string;
}

export interface AssumedRole {
  /** Temporary credentials; `expiration` on the local clock when `options.skew` was given. */
  readonly credentials: AwsCredentials;
  /** `arn:aws:sts::123456789012:assumed-role/Name/session`, from the AssumeRole answer itself. */
  readonly arn: string;
  readonly account: string;
  /** `AROA...:session`. */
  readonly assumedRoleId: string;
}

/**
 * `sts:AssumeRole` with `sourceCreds`. Returns the credentials and the assumed-role identity from
 * the same answer: no GetCallerIdentity needed afterwards.
 * @throws UserFacingError
 */
export async function assumeRole(sourceCreds: AwsCredentials, req: AssumeRoleParams, region: string | undefined, options?: StsCallOptions): Promise<AssumedRole> {
  const { output } = await withClient(
    sourceCreds,
    region,
    options,
    { operation: 'AssumeRole', roleArn: req.roleArn, durationSeconds: req.durationSeconds, mfaSerial: req.mfaSerial },
    (client, sdk) =>
      client.send(
        new sdk.AssumeRoleCommand({
          RoleArn: req.roleArn,
          RoleSessionName: req.sessionName,
          DurationSeconds: req.durationSeconds,
          ExternalId: req.externalId,
          SerialNumber: req.mfaSerial,
          TokenCode: req.tokenCode,
        }),
      ),
  );
  const arn = output.AssumedRoleUser?.Arn;
  if (!arn) {
    throw new UserFacingError('unknown', `STS answered AssumeRole for ${req.roleArn} without the assumed-role ARN. Check the STS endpoint (AWS_ENDPOINT_URL_STS) is really STS, then try again.`);
  }
  const account = parseCallerArn(arn).account;
  return {
    credentials: credentialsFrom(output.Credentials, 'AssumeRole', options, account),
    arn,
    account,
    assumedRoleId: output.AssumedRoleUser?.AssumedRoleId ?? '',
  };
}

export interface SessionTokenParams {
  readonly mfaSerial?: string;
  readonly tokenCode?: string;
  readonly durationSeconds?: number;
}

/**
 * `sts:GetSessionToken`: temporary credentials for long-lived IAM user keys, with MFA when
 * `mfaSerial` + `tokenCode` are given (so MFA-protected APIs work).
 * @throws UserFacingError
 */
export async function getSessionToken(creds: AwsCredentials, req: SessionTokenParams, region: string | undefined, options?: StsCallOptions): Promise<AwsCredentials> {
  const { output } = await withClient(
    creds,
    region,
    options,
    { operation: 'GetSessionToken', durationSeconds: req.durationSeconds, mfaSerial: req.mfaSerial },
    (client, sdk) => client.send(new sdk.GetSessionTokenCommand({ SerialNumber: req.mfaSerial, TokenCode: req.tokenCode, DurationSeconds: req.durationSeconds })),
  );
  return credentialsFrom(output.Credentials, 'GetSessionToken', options, creds.accountId);
}
