/**
 * Carries out a CredentialPlan: the source's credentials (sourceCredentials.ts), then each role in
 * order with AssumeRole (innermost first, each with the credentials of the step before), then, for
 * static keys with mfa_serial, GetSessionToken with an MFA code.
 *
 * Every network call is made by the SDK (its providers, our STS clients in sts.ts, or src/sso's
 * clients for IAM Identity Center); nothing here reads the config files: the plan says everything
 * the AWS CLI read in them.
 *
 * Region: each role is assumed in its profile's own region when it has one, else in the switch's
 * STS region (as fromIni did, see sourceCredentials.ts for the sources).
 */
import { askForMfaCode, isMfaPromptFailure } from './mfa';
import { ClockSkew, DEFAULT_STS_TUNING, StsObservation, StsTuning, assumeRole, getSessionToken, stsClientConfig, stsObserverPlugin } from './sts';
import { toUserFacingError } from './errors';
import { rememberSecrets } from '../shared/redact';
import { type SourceContext, sourceCredentials } from './sourceCredentials';
import type { ClientSettings, CredentialPlan, RoleStep } from '../config/credentialPlan';
import { AwsCredentials, MfaCodeProvider, MfaPromptContext, systemClock } from '../shared/types';
import type { SsoContext } from '../sso';

export interface PlanRequest {
  readonly plan: CredentialPlan;
  /** Region for STS calls; undefined = us-east-1 on the global endpoint. A profile's own region wins for its role. */
  readonly region: string | undefined;
  /** Where `region` came from (e.g. `the awsIdentity.defaultRegion setting`), named when STS cannot be found for it. */
  readonly regionOrigin?: string;
  /** A profile's own `region` (for the roles and sources of other profiles in the chain). */
  readonly regionOf?: (profile: string) => string | undefined;
  /** The settings the SDK clients would read from the shared config (ConfigSnapshot.clientSettings). */
  readonly clientSettings: ClientSettings;
  readonly mfaCodeProvider: MfaCodeProvider;
  /** Why a code would be asked for (a user action, or a renewal of credentials in use). */
  readonly mfaTrigger: MfaPromptContext['trigger'];
  /** For `renewal`: when the credentials in use expire. */
  readonly currentExpiration?: Date;
  /** For `renewal`: true once the credentials being renewed were discarded (no code is then spent). */
  readonly discarded?: () => boolean;
  /** GetSessionToken duration for a static-key profile with `mfa_serial`. */
  readonly sessionDurationSeconds?: number;
  readonly skew?: ClockSkew;
  readonly tuning?: Partial<StsTuning>;
  /** Named in messages about a missing profile or unusable keys. */
  readonly paths?: { readonly configFile: string; readonly credentialsFile: string };
  /** IAM Identity Center surroundings for an `sso` source (cache folder, endpoints, clock, logger); default: the real ones. */
  readonly ssoContext?: SsoContext;
}

export interface ResolvedPlan {
  readonly credentials: AwsCredentials;
  /** True when `credentials.expiration` is on the local clock (an STS clock offset was known). */
  readonly clockAdjusted: boolean;
}

/**
 * The session name of a role without role_session_name: the one fromIni used, so that CloudTrail
 * entries look as they did before.
 */
export function defaultRoleSessionName(now: number = Date.now()): string {
  return `aws-sdk-js-${now}`;
}

/** How long instance and container metadata may take (per attempt) and how often to retry. */
const METADATA = { timeout: 3000, maxRetries: 2 };

/**
 * Resolves `req.plan`.
 * @throws UserFacingError, or the MFA provider's own error when the user dismissed the prompt
 *   (see mfa.ts)
 */
export async function resolvePlan(req: PlanRequest): Promise<ResolvedPlan> {
  const { plan } = req;
  const skew = req.skew ?? new ClockSkew(systemClock);
  const tuning = { ...DEFAULT_STS_TUNING, ...req.tuning };
  const observation: StsObservation = {};

  // Every link of a chain is remembered for the log's masking, not only the last (the session's).
  let credentials = await resolveSource(req, skew, tuning, observation);
  rememberSecrets(credentials);
  let viaSts = false;
  let label = `profile "${plan.source.profile}"`;
  for (const step of plan.roles) {
    credentials = await assumeStep(req, step, credentials, label, skew);
    rememberSecrets(credentials);
    label = `profile "${step.profile}"`;
    viaSts = true;
  }
  if (plan.sessionTokenMfaSerial && !credentials.sessionToken) {
    credentials = await sessionToken(req, plan.sessionTokenMfaSerial, credentials, skew);
    viaSts = true;
  }
  // Our STS calls already returned local-clock expirations; a source's own expiration (SSO,
  // process, metadata, web identity) is converted here when the offset is known, else by the caller.
  if (viaSts) return { credentials, clockAdjusted: true };
  const clockAdjusted = skew.isKnown;
  if (credentials.expiration && clockAdjusted) credentials = { ...credentials, expiration: skew.toLocal(credentials.expiration) };
  return { credentials, clockAdjusted };
}

async function resolveSource(req: PlanRequest, skew: ClockSkew, tuning: StsTuning, observation: StsObservation): Promise<AwsCredentials> {
  const { source } = req.plan;
  const profileRegion = source.profile === req.plan.profile ? req.plan.region : req.regionOf?.(source.profile);
  // Without the global endpoint: its rules ask for a signature, and AssumeRoleWithWebIdentity
  // is unsigned (with no region, us-east-1's regional endpoint answers it instead).
  const { useGlobalEndpoint: _global, ...stsConfig } = stsClientConfig(profileRegion ?? req.region, tuning, req.clientSettings);
  // The `aws login` client gets the settings without a region (its own region is the profile's).
  const { region: _region, ...clientConfig } = stsConfig;
  void _region;
  void _global;
  const ctx: SourceContext = {
    region: req.region,
    profileRegion,
    clientConfig,
    stsConfig,
    stsPlugin: stsObserverPlugin(observation, skew.clock, skew),
    metadata: METADATA,
    ...(req.ssoContext ? { sso: req.ssoContext } : {}),
  };
  try {
    return await sourceCredentials(source, ctx);
  } catch (error) {
    if (isMfaPromptFailure(error)) throw error;
    const fromSts = observation.endpoint !== undefined && typeof error === 'object' && error !== null && '$metadata' in error;
    throw toUserFacingError(error, {
      operation: 'ResolveProfile',
      profile: req.plan.profile,
      sourceLabel: `profile "${source.profile}"`,
      ...(fromSts ? { endpoint: observation.endpoint, ...(source.type === 'webIdentity' ? { roleArn: source.roleArn } : {}) } : {}),
      region: req.region ?? 'us-east-1',
      ...(req.paths ? { configFile: req.paths.configFile, credentialsFile: req.paths.credentialsFile } : {}),
    });
  }
}

/** Asks the MFA provider for a code for `serial`, naming the profile being resolved. */
function askCode(req: PlanRequest, serial: string): Promise<string> {
  return askForMfaCode(req.mfaCodeProvider, serial, {
    trigger: req.mfaTrigger,
    label: `profile "${req.plan.profile}"`,
    ...(req.currentExpiration ? { expiration: req.currentExpiration } : {}),
    ...(req.discarded ? { discarded: req.discarded } : {}),
  });
}

/** One role of the chain, assumed with the credentials of the step before (labelled `sourceLabel`). */
async function assumeStep(req: PlanRequest, step: RoleStep, source: AwsCredentials, sourceLabel: string, skew: ClockSkew): Promise<AwsCredentials> {
  const tokenCode = step.mfaSerial ? await askCode(req, step.mfaSerial) : undefined;
  const own = step.profile === req.plan.profile ? req.plan.region : req.regionOf?.(step.profile);
  const region = own ?? req.region;
  const regionOrigin = own !== undefined ? `the region of profile "${step.profile}"` : req.regionOrigin;
  const assumed = await assumeRole(
    source,
    {
      roleArn: step.roleArn,
      sessionName: step.roleSessionName ?? defaultRoleSessionName(),
      ...(step.durationSeconds !== undefined ? { durationSeconds: step.durationSeconds } : {}),
      ...(step.externalId !== undefined ? { externalId: step.externalId } : {}),
      ...(step.mfaSerial ? { mfaSerial: step.mfaSerial, tokenCode } : {}),
    },
    region,
    {
      skew,
      ...(req.tuning ? { tuning: req.tuning } : {}),
      profile: step.profile,
      // Named when STS refuses the profile's duration_seconds: the fix is in the profile.
      ...(step.durationSeconds !== undefined ? { durationProfile: step.profile } : {}),
      ...(req.paths ? { configFile: req.paths.configFile } : {}),
      ...(regionOrigin ? { regionOrigin } : {}),
      sourceLabel,
      clientSettings: req.clientSettings,
    },
  );
  return assumed.credentials;
}

/** Static keys with mfa_serial: GetSessionToken with a code, so MFA-protected APIs work. */
async function sessionToken(req: PlanRequest, serial: string, keys: AwsCredentials, skew: ClockSkew): Promise<AwsCredentials> {
  const tokenCode = await askCode(req, serial);
  return getSessionToken(keys, { mfaSerial: serial, tokenCode, durationSeconds: req.sessionDurationSeconds }, req.region, {
    skew,
    ...(req.tuning ? { tuning: req.tuning } : {}),
    profile: req.plan.profile,
    sourceLabel: `profile "${req.plan.profile}"`,
    clientSettings: req.clientSettings,
    ...(req.regionOrigin ? { regionOrigin: req.regionOrigin } : {}),
  });
}

/** A plan that resolving asks an MFA code for, so renewing it needs the user. */
export function planNeedsMfa(plan: CredentialPlan): boolean {
  return plan.sessionTokenMfaSerial !== undefined || plan.roles.some((r) => r.mfaSerial !== undefined);
}

/**
 * A plan whose credentials are a role session (assumed role, SSO, web identity): assuming another
 * role with them is role chaining, limited to 1 hour.
 */
export function planYieldsRoleSession(plan: CredentialPlan): boolean {
  return plan.roles.length > 0 || plan.source.type === 'sso' || plan.source.type === 'webIdentity';
}

/** The first mfa_serial resolving the plan asks a code for (named in messages). */
export function planMfaSerial(plan: CredentialPlan): string | undefined {
  return plan.roles.find((r) => r.mfaSerial !== undefined)?.mfaSerial ?? plan.sessionTokenMfaSerial;
}
