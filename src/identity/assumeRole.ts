/**
 * "Assume a role": with the active identity's credentials (ONE STS call, AssumeRole, whose answer
 * names the assumed role: no GetCallerIdentity) or with a profile's (that profile's own calls,
 * then the AssumeRole). The identity manager wraps this in its switch state machine.
 *
 * The flow, in order: where the source credentials come from (sourceOfActive / sourceOfProfile),
 * what to ask STS (roleParams: duration capped for role chaining, session name), the first
 * AssumeRole (firstAssume: retried at 1 hour when STS says the source is a role session we could
 * not recognise), then the session, which renews by assuming the role again (renewRole).
 */
import { ALWAYS_ALLOWED_DURATION_SECONDS, UserFacingError } from '../credentials/errors';
import { askForMfaCode } from '../credentials/mfa';
import { planNeedsMfa, planYieldsRoleSession } from '../credentials/resolvePlan';
import { RefreshContext, RefreshingCredentials } from '../credentials/refreshingCredentials';
import { AssumeRoleParams, AssumedRole, assumeRole as stsAssumeRole } from '../credentials/sts';
import { CHAINED_ROLE_MAX_DURATION_SECONDS, RoleInputResult, clampDuration, parseCallerArn, sanitizeSessionName } from '../shared/roleInput';
import type { AwsCredentials } from '../shared/types';
import { FlowContext, ProfileReading, RegionChoice, SwitchResult, identityOf, regionOrigin } from './flowContext';
import { IdentitySession } from './identitySession';

/** Where the credentials for a role come from. */
export type RoleSource = { readonly type: 'active' } | { readonly type: 'profile'; readonly profile: string };

export interface AssumeRoleRequest {
  /** A role ARN, or the shorthand `123456789012:role/Path/Name` / `123456789012:Name`. */
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
  readonly mfaSerial?: string;
  /** A code for `mfaSerial`; asked through the MFA provider when omitted. */
  readonly tokenCode?: string;
  readonly source: RoleSource;
}

/** A role reference that parsed. */
export type ParsedRole = Extract<RoleInputResult, { ok: true }>;

/** The credentials a role is assumed (and renewed) with, and what to say about them. */
interface RoleSourceCredentials {
  readonly credentials: RefreshingCredentials;
  /** They are a role session: the role is chained, and limited to 1 hour. */
  readonly chained: boolean;
  readonly region: RegionChoice;
  /** `profile "dev"` or `role Admin`: named in messages and in the identity's source. */
  readonly label: string;
  readonly callerArn?: string;
  readonly sourceProfile: string | undefined;
  /** The active session they belong to (role chaining from the active identity). */
  readonly parent?: IdentitySession;
  /** Credentials made for this role only (a profile's), disposed with its session. */
  readonly owned?: RefreshingCredentials;
}

/** What the first AssumeRole asked for (renewals ask the same) and what to tell the user. */
interface FirstAssume {
  readonly assumed: AssumedRole;
  readonly params: AssumeRoleParams;
  readonly notes: ReadonlyArray<string>;
}

/**
 * The session for `role`, not yet active.
 * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
 */
export async function roleSession(ctx: FlowContext, req: AssumeRoleRequest, role: ParsedRole, active: IdentitySession | undefined): Promise<SwitchResult> {
  const target = roleTarget(role);
  const source = req.source.type === 'active' ? sourceOfActive(active, target) : await sourceOfProfile(ctx, req.source.profile);
  try {
    const { assumed, params, notes } = await firstAssume(ctx, req, role, source);
    for (const note of notes) ctx.logger.info(`${target}: ${note}`);
    const identity = identityOf(
      { arn: assumed.arn, account: assumed.account, userId: assumed.assumedRoleId },
      { type: 'assumedRole', roleArn: role.arn, sourceLabel: source.label },
      source.region,
      assumed.credentials.expiration,
      { sourceProfile: source.sourceProfile, notes },
    );
    const credentials = ctx.refreshing(roleLabel(role), (context) => renewRole(ctx, req, role, source, params, context), {
      initial: assumed.credentials,
      interactive: !!req.mfaSerial,
    });
    const session = new IdentitySession({
      identity,
      credentials,
      ...(source.parent ? { parent: source.parent } : {}),
      owned: source.owned ? [source.owned] : [],
    });
    return { session, description: `${target} as ${assumed.arn} from ${source.label}${notes.length ? ` (${notes.join(' ')})` : ''}` };
  } catch (error) {
    source.owned?.dispose();
    throw error;
  }
}

/** What the switch is to, as the state and the log say it. */
export function roleTarget(role: ParsedRole): string {
  return `role ${role.roleName} (${role.account})`;
}

function roleLabel(role: ParsedRole): string {
  return `role ${role.roleName}`;
}

/** The active identity's credentials; its region too (a role assumed from it stays there). */
function sourceOfActive(active: IdentitySession | undefined, target: string): RoleSourceCredentials {
  if (!active) {
    throw new UserFacingError('other', `No AWS identity is active to assume ${target} with. Select a profile first, or choose a profile as the source.`);
  }
  const from = active.identity;
  return {
    credentials: active.credentials,
    chained: parseCallerArn(from.arn).kind === 'assumed-role',
    region: { region: from.region, regionSource: from.regionSource, stsRegion: from.regionSource === 'default' ? undefined : from.region },
    label: from.source.type === 'profile' ? `profile "${from.source.profile}"` : `role ${from.name}`,
    callerArn: from.arn,
    sourceProfile: from.sourceProfile ?? (from.source.type === 'profile' ? from.source.profile : undefined),
    parent: active,
  };
}

/**
 * A profile's credentials, resolved from one snapshot; renewed on demand only (no timer of its
 * own), when the role renews.
 */
async function sourceOfProfile(ctx: FlowContext, profile: string): Promise<RoleSourceCredentials> {
  const reading = await ctx.readProfile(profile);
  const region = ctx.resolveRegion(reading.plan.region);
  const fetchProfile = async (context: RefreshContext | undefined, switchReading?: ProfileReading): Promise<AwsCredentials> =>
    (await ctx.resolveProfile(profile, region, context, switchReading)).credentials;
  const label = `profile "${profile}"`;
  const credentials = ctx.refreshing(label, fetchProfile, {
    initial: await fetchProfile(undefined, reading),
    interactive: planNeedsMfa(reading.plan),
    proactive: false,
  });
  return { credentials, chained: planYieldsRoleSession(reading.plan), region, label, sourceProfile: profile, owned: credentials };
}

/** The AssumeRole parameters: the duration capped for a chained role (with the reason as a note). */
function roleParams(ctx: FlowContext, req: AssumeRoleRequest, role: ParsedRole, chained: boolean): { params: AssumeRoleParams; notes: string[] } {
  const duration = clampDuration(req.durationSeconds ?? ctx.options.defaultDurationSeconds(), { chained });
  const params: AssumeRoleParams = {
    roleArn: role.arn,
    sessionName: sanitizeSessionName(req.sessionName ?? ctx.options.defaultSessionName()),
    durationSeconds: duration.seconds,
    ...(req.externalId ? { externalId: req.externalId } : {}),
    ...(req.mfaSerial ? { mfaSerial: req.mfaSerial } : {}),
  };
  return { params, notes: duration.reason ? [duration.reason] : [] };
}

/**
 * The first AssumeRole. STS knows a role session is the source even when we could not tell (e.g.
 * credential_process): on its role-chaining refusal the role is asked again for 1 hour, unless an
 * MFA code was spent on the first attempt (it works only once).
 */
async function firstAssume(ctx: FlowContext, req: AssumeRoleRequest, role: ParsedRole, source: RoleSourceCredentials): Promise<FirstAssume> {
  const first = roleParams(ctx, req, role, source.chained);
  const code = req.mfaSerial ? (req.tokenCode ?? (await askCode(ctx, req.mfaSerial, role, undefined))) : undefined;
  try {
    return { ...first, assumed: await assumeWith(ctx, source, withCode(first.params, code)) };
  } catch (error) {
    const requested = first.params.durationSeconds ?? 0;
    const retry = error instanceof UserFacingError && error.kind === 'chainedDurationTooLong' && requested > CHAINED_ROLE_MAX_DURATION_SECONDS && !req.mfaSerial;
    if (!retry) throw error;
    const params = { ...first.params, durationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS };
    const note = `Duration capped at ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds (requested ${requested}): STS reports the source credentials are a role session, and role chaining is limited to 1 hour.`;
    return { params, notes: [...first.notes, note], assumed: await assumeWith(ctx, source, params) };
  }
}

/** A renewal: the same request, with a new MFA code when the role needs one. */
async function renewRole(
  ctx: FlowContext,
  req: AssumeRoleRequest,
  role: ParsedRole,
  source: RoleSourceCredentials,
  params: AssumeRoleParams,
  context: RefreshContext,
): Promise<AwsCredentials> {
  const code = req.mfaSerial ? await askCode(ctx, req.mfaSerial, role, context) : undefined;
  return (await assumeWith(ctx, source, withCode(params, code), context)).credentials;
}

function withCode(params: AssumeRoleParams, code: string | undefined): AssumeRoleParams {
  return code ? { ...params, tokenCode: code } : params;
}

/** A code for `mfaSerial`: `context` undefined for the switch itself, else the renewal's. */
function askCode(ctx: FlowContext, mfaSerial: string, role: ParsedRole, context: RefreshContext | undefined): Promise<string> {
  return askForMfaCode(ctx.options.mfaCodeProvider, mfaSerial, {
    trigger: !context || context.reason === 'user' ? 'user' : 'renewal',
    label: roleLabel(role),
    ...(context?.expiration ? { expiration: context.expiration } : {}),
    ...(context?.discarded ? { discarded: context.discarded } : {}),
  });
}

/**
 * AssumeRole with the source's current credentials. If STS says they expired (ExpiredToken) while
 * we thought them valid (revoked, clock trouble), renew the source once and retry. `context`
 * undefined: for the switch itself, so renewing the source is the user's action too (an MFA code
 * is asked for as such, and a dismissed prompt stops the switch quietly); else the renewal's.
 */
async function assumeWith(ctx: FlowContext, source: RoleSourceCredentials, params: AssumeRoleParams, context?: RefreshContext): Promise<AssumedRole> {
  const origin = regionOrigin(source.region, source.sourceProfile);
  const options = ctx.stsOptions({ ...(source.callerArn ? { callerArn: source.callerArn } : {}), sourceLabel: source.label, ...(origin ? { regionOrigin: origin } : {}) });
  const byUser = !context || context.reason === 'user';
  try {
    return await stsAssumeRole(await source.credentials.get({ forUser: byUser }), params, source.region.stsRegion, options);
  } catch (error) {
    if (!(error instanceof UserFacingError) || error.kind !== 'expiredToken') throw error;
    ctx.logger.warn(`STS reports the credentials of ${source.label} expired; renewing them once and retrying AssumeRole for ${params.roleArn}.`);
    return stsAssumeRole(await source.credentials.refresh(byUser ? 'user' : 'mandatory'), params, source.region.stsRegion, options);
  }
}
