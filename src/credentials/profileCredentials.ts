/**
 * Credentials for a named profile, from one reading of the shared files (a ConfigSnapshot): the
 * config layer decides, with the AWS CLI's rules, how the profile gets its credentials (its plan:
 * static keys, `credential_source`, `credential_process`, web identity, IAM Identity Center or
 * `aws login`, then the roles of its `source_profile` chain); resolvePlan.ts carries the plan out.
 * So the reading that lists a profile is the reading that resolves it.
 *
 * One addition to what the CLI does: a static-key profile with `mfa_serial` (and no role) gets
 * `GetSessionToken` with MFA, so MFA-protected APIs work (the CLI ignores `mfa_serial` there).
 */
import { UserFacingError } from './errors';
import { type PlanRequest, type ResolvedPlan, resolvePlan } from './resolvePlan';
import type { ConfigSnapshot } from '../config/snapshot';
import type { ClientSettings, CredentialPlan } from '../config/credentialPlan';

/**
 * `profile`'s plan in `snapshot`.
 * @throws UserFacingError with the config layer's reason: a missing profile (naming the files),
 *   one without credentials (saying what to add), or one the AWS CLI would refuse
 */
export function profilePlan(snapshot: ConfigSnapshot, profile: string): CredentialPlan {
  const plan = snapshot.plan(profile);
  if (!('problem' in plan)) return plan;
  // The config layer words a missing profile and one without credentials itself; a profile the
  // AWS CLI would refuse gets its listing problem, prefixed as the Profiles view shows it.
  const listed = snapshot.listing.profile(profile)?.problem !== undefined;
  throw new UserFacingError('other', listed ? `Profile "${profile}" cannot be used: ${plan.problem}` : plan.problem);
}

export interface ProfileCredentialsRequest extends Omit<PlanRequest, 'plan' | 'clientSettings' | 'regionOf' | 'paths'> {
  readonly profile: string;
  /** The reading to resolve from: the switch's own, or a fresh one for a renewal (so edits count). */
  readonly snapshot: ConfigSnapshot;
  /** `profile`'s plan, when the caller has already read it from `snapshot` (profilePlan). */
  readonly plan?: CredentialPlan;
}

export interface ResolvedProfileCredentials extends ResolvedPlan {
  readonly plan: CredentialPlan;
  /** The settings the SDK clients use, from the same snapshot (for the next STS call). */
  readonly clientSettings: ClientSettings;
}

/**
 * Resolves `profile`'s credentials from `req.snapshot`.
 * @throws UserFacingError, or the MFA provider's own error when the user dismissed the prompt
 *   (see mfa.ts)
 */
export async function resolveProfileCredentials(req: ProfileCredentialsRequest): Promise<ResolvedProfileCredentials> {
  const { snapshot, profile, plan: given, ...rest } = req;
  const plan = given ?? profilePlan(snapshot, profile);
  const clientSettings = snapshot.clientSettings(process.env);
  const resolved = await resolvePlan({
    ...rest,
    plan,
    clientSettings,
    regionOf: (name) => snapshot.listing.profile(name)?.region,
    paths: snapshot.paths,
  });
  return { ...resolved, plan, clientSettings };
}
