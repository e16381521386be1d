/**
 * "Use this role": a role of an IAM Identity Center account, taken directly from the portal's
 * list (no profile written for it). The portal's GetRoleCredentials with the AWS CLI's cached
 * token (refreshed near expiry, as the CLI's cache expects), then ONE GetCallerIdentity to learn
 * the ARN: the portal does not say which AWSReservedSSO_… role and session name the credentials
 * belong to. Renewals call GetRoleCredentials again, never STS, and never open a browser. The
 * identity manager wraps this in its switch state machine (identityManager.ts).
 */
import { UserFacingError } from '../credentials/errors';
import { ssoRoleCredentials } from '../credentials/sourceCredentials';
import { getCallerIdentity } from '../credentials/sts';
import type { AwsCredentials } from '../shared/types';
import type { SsoSession } from '../sso';
import { FlowContext, SwitchResult, identityOf } from './flowContext';
import { IdentitySession } from './identitySession';

/** A role the portal listed for the signed-in user. */
export interface SsoRoleRequest {
  readonly session: SsoSession;
  readonly accountId: string;
  /** As the portal names the account; shown, never sent. */
  readonly accountName?: string;
  readonly roleName: string;
}

/** What the switch is to, as the state and the log say it. */
export function ssoRoleTarget(req: SsoRoleRequest): string {
  return `role ${req.roleName} in account ${req.accountName ? `${req.accountName} (${req.accountId})` : req.accountId}`;
}

/**
 * Refuses a request that cannot name a role before any switch begins, so a bad call changes no
 * state (the portal would answer it with a less helpful 4xx).
 */
export function checkSsoRoleRequest(req: SsoRoleRequest): void {
  if (!/^\d{12}$/.test(req.accountId)) throw new UserFacingError('other', `"${req.accountId}" is not an AWS account ID (12 digits). Pick the account from the IAM Identity Center list.`);
  if (!req.roleName.trim()) throw new UserFacingError('other', `No role name was given for account ${req.accountId}. Pick a role from the IAM Identity Center list.`);
  if (!req.session.startUrl || !req.session.region) throw new UserFacingError('other', 'The IAM Identity Center session has no start URL or region. Check the [sso-session] section (sso_start_url, sso_region).');
}

/**
 * The session for the role, not yet active.
 * @throws SsoSignInRequiredError when the session needs a sign-in (the manager may offer one), else UserFacingError
 */
export async function ssoRoleSession(ctx: FlowContext, req: SsoRoleRequest): Promise<SwitchResult> {
  const target = ssoRoleTarget(req);
  // No profile, so no profile region: the extension's setting, the environment, else us-east-1.
  const region = ctx.resolveRegion(undefined);
  const fetchRole = async (): Promise<AwsCredentials> => {
    const c = await ssoRoleCredentials({ session: req.session, accountId: req.accountId, roleName: req.roleName }, ctx.ssoContext);
    // The portal's expiration is on its clock; convert it once the STS offset is known (as for SSO profiles).
    return c.expiration && ctx.skew.isKnown ? { ...c, expiration: ctx.skew.toLocal(c.expiration) } : c;
  };

  let first = await fetchRole();
  const skewKnownBefore = ctx.skew.isKnown;
  // The client settings of the shared config (FIPS, dual-stack, app id), so this client does not read the files itself.
  // A reading that fails must not stop a role that needs no profile: the client then reads them as usual.
  const clientSettings = await ctx.options.snapshot().then((s) => s.clientSettings(process.env), () => undefined);
  const caller = await getCallerIdentity(first, region.stsRegion, ctx.stsOptions({ sourceLabel: target, ...(clientSettings ? { clientSettings } : {}) }));
  if (!skewKnownBefore && ctx.skew.isKnown && first.expiration) first = { ...first, expiration: ctx.skew.toLocal(first.expiration) };

  const identity = identityOf(
    caller,
    {
      type: 'ssoRole',
      ...(req.session.sessionName !== undefined ? { sessionName: req.session.sessionName } : {}),
      startUrl: req.session.startUrl,
      ssoRegion: req.session.region,
      accountId: req.accountId,
      ...(req.accountName ? { accountName: req.accountName } : {}),
      roleName: req.roleName,
    },
    region,
    first.expiration,
  );
  // Not interactive: a renewal that needs a sign-in fails (reported as onDidNeedSignIn) and the
  // credentials in hand stay in use until they expire.
  const credentials = ctx.refreshing(target, fetchRole, { initial: first, interactive: false });
  const session = new IdentitySession({ identity, credentials });
  return { session, description: `${target} as ${caller.arn} via IAM Identity Center (region ${region.region} from ${region.regionSource})` };
}
