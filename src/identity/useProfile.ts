/**
 * "Use this profile": the profile's credentials (its plan, carried out), then ONE
 * GetCallerIdentity to learn who they belong to. The identity manager wraps this in its switch
 * state machine (identityManager.ts).
 *
 * STS calls: static keys 1 (GetCallerIdentity); a role profile 1 AssumeRole per role of its chain
 * + 1 GetCallerIdentity; static keys with mfa_serial 1 GetSessionToken + 1 GetCallerIdentity.
 */
import { planNeedsMfa } from '../credentials/resolvePlan';
import { RefreshContext, RefreshingCredentials } from '../credentials/refreshingCredentials';
import { getCallerIdentity, getSessionToken } from '../credentials/sts';
import { clampSessionTokenDuration } from '../shared/roleInput';
import type { AwsCredentials } from '../shared/types';
import { planPrincipal, type ClientSettings } from '../config/credentialPlan';
import { UserFacingError } from '../credentials/errors';
import { FlowContext, ProfileReading, RegionChoice, SwitchResult, identityOf, regionOrigin } from './flowContext';
import { IdentitySession } from './identitySession';

type PlanPrincipal = ReturnType<typeof planPrincipal>;

/**
 * The session for `profile`, not yet active.
 * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
 */
export async function profileSession(ctx: FlowContext, profile: string): Promise<SwitchResult> {
  const target = `profile "${profile}"`;
  // The one reading of this switch: the check (profilePlan throws why the profile cannot work),
  // the region and the first resolution all come from it.
  const reading = await ctx.readProfile(profile);
  const region = ctx.resolveRegion(reading.plan.region);
  let clientSettings: ClientSettings | undefined;
  const principal = planPrincipal(reading.plan);
  let arn = '';
  const fetchProfile = async (context: RefreshContext | undefined, switchReading?: ProfileReading): Promise<AwsCredentials> => {
    // A renewal reads the files again, so rotated keys and a new sign-in count; an edit that
    // points the profile at someone else does not, since the identity shown would then be wrong.
    const current = switchReading ?? (await ctx.readProfile(profile));
    if (!switchReading) checkSamePrincipal(profile, principal, planPrincipal(current.plan), arn);
    const resolved = await ctx.resolveProfile(profile, region, context, current);
    clientSettings = resolved.clientSettings;
    return ctx.toLocal(resolved);
  };

  let first = await fetchProfile(undefined, reading);
  const skewKnownBefore = ctx.skew.isKnown;
  // The settings the credentials were resolved with, so this client does not read the files.
  const origin = regionOrigin(region, profile);
  const caller = await getCallerIdentity(
    first,
    region.stsRegion,
    ctx.stsOptions({ profile, sourceLabel: target, ...(clientSettings ? { clientSettings } : {}), ...(origin ? { regionOrigin: origin } : {}) }),
  );
  // SSO / credential_process credentials arrive without an STS Date header; the first
  // GetCallerIdentity teaches us the clock offset, so convert their expiration now.
  if (!skewKnownBefore && ctx.skew.isKnown && first.expiration) first = { ...first, expiration: ctx.skew.toLocal(first.expiration) };

  const identity = identityOf(caller, { type: 'profile', profile }, region, first.expiration);
  arn = identity.arn;
  const credentials = ctx.refreshing(target, fetchProfile, { initial: first, interactive: planNeedsMfa(reading.plan) });
  const session = new IdentitySession({
    identity,
    credentials,
    exportWrapper: (base) => sessionTokenWrapper(ctx, target, base, region, origin),
  });
  return { session, description: `${target} as ${caller.arn} (region ${region.region} from ${region.regionSource})` };
}

/** @throws UserFacingError when the profile's edited plan names another principal than the switch's. */
function checkSamePrincipal(profile: string, was: PlanPrincipal, now: PlanPrincipal, arn: string): void {
  if (now.key === was.key) return;
  const what = now.text === was.text ? `${now.text} changed` : `it now uses ${now.text}, not ${was.text}`;
  throw new UserFacingError(
    'other',
    `Profile "${profile}" was edited since you selected it: ${what}. Its credentials were not renewed from the edited profile, so the identity stays ${arn} until they expire. Select profile "${profile}" again to use it as edited.`,
  );
}

/** Temporary credentials for terminals derived from long-lived keys: GetSessionToken, renewed like any session. */
function sessionTokenWrapper(ctx: FlowContext, label: string, base: RefreshingCredentials, region: RegionChoice, origin: string | undefined): RefreshingCredentials {
  return ctx.refreshing(
    `${label} (temporary credentials for terminals)`,
    async () =>
      getSessionToken(
        await base.get(),
        { durationSeconds: clampSessionTokenDuration(ctx.options.defaultDurationSeconds()).seconds },
        region.stsRegion,
        ctx.stsOptions({ sourceLabel: label, ...(origin ? { regionOrigin: origin } : {}) }),
      ),
    { interactive: false },
  );
}
