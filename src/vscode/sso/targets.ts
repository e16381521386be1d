/**
 * What can be signed in to, as the config says: every `[sso-session NAME]`, and every start URL
 * that legacy profiles (sso_start_url without sso_session) carry themselves. One sign-in node per
 * token in the AWS CLI's cache: legacy profiles of the same start URL share one.
 *
 * No `vscode` import: tested with plain mocha.
 */
import type { ProfileInfo, SsoSessionConfig } from '../../shared/types';
import type { SsoSession } from '../../sso';

export interface SignInTarget {
  /** Stable id: `sso-session:NAME` or `sso-url:START_URL`. */
  readonly id: string;
  /** The session name, or the start URL's host for legacy profiles. */
  readonly label: string;
  readonly sessionName?: string;
  readonly startUrl?: string;
  readonly region?: string;
  /** What src/sso signs in to; absent when the section lacks a setting (see `problem`). */
  readonly session?: SsoSession;
  /** Why it cannot be signed in to, with the next step. */
  readonly problem?: string;
  /** Profiles that take their credentials through it. */
  readonly profiles: ReadonlyArray<string>;
}

export function targetId(s: { sessionName?: string; startUrl: string }): string {
  return s.sessionName !== undefined ? `sso-session:${s.sessionName}` : `sso-url:${s.startUrl}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * The sign-in targets of the config, from the snapshot's reading (ConfigSnapshot.ssoSessions):
 * sessions first (in file order), then legacy start URLs. `configFile` names the file in problems.
 */
export function signInTargets(sessions: ReadonlyArray<SsoSessionConfig>, configFile: string): SignInTarget[] {
  return sessions.map((c) => {
    const { startUrl, region } = c;
    if (c.name !== undefined) {
      const name = c.name;
      const base = { id: `sso-session:${name}`, label: name, sessionName: name, profiles: c.profiles, ...(startUrl ? { startUrl } : {}), ...(region ? { region } : {}) };
      if (!startUrl || !region) {
        const missing = [!startUrl && 'sso_start_url', !region && 'sso_region'].filter(Boolean);
        return { ...base, problem: `[sso-session ${name}] in ${configFile} lacks ${missing.join(' and ')}. Add ${missing.length > 1 ? 'them' : 'it'} (Open AWS Config File), then reload.` };
      }
      // An empty list stays: it is part of the registration's cache key, as in the CLI (`[]`, not null).
      return { ...base, session: { sessionName: name, startUrl, region, ...(c.registrationScopes ? { registrationScopes: [...c.registrationScopes] } : {}) } };
    }
    const url = startUrl ?? '';
    const base = { id: `sso-url:${url}`, label: hostOf(url), startUrl: url, profiles: c.profiles, ...(region ? { region } : {}) };
    if (!region) return { ...base, problem: `Profile "${c.fromProfile ?? c.profiles[0]}" has sso_start_url but no sso_region. Add sso_region to it (Open AWS Config File), then reload.` };
    return { ...base, session: { startUrl: url, region } };
  });
}

/** Whether the identity source / profile data names this target's session. */
export function sameSession(target: SignInTarget, s: { sessionName?: string; startUrl?: string }): boolean {
  if (target.sessionName !== undefined) return s.sessionName === target.sessionName;
  return s.sessionName === undefined && s.startUrl !== undefined && s.startUrl === target.startUrl;
}

/**
 * The profile that already takes this account's role through this target (same sso_account_id,
 * sso_role_name and sso_session, or start URL for legacy profiles), if there is one.
 */
export function existingProfileFor(profiles: readonly ProfileInfo[], target: SignInTarget, accountId: string, roleName: string): string | undefined {
  return profiles.find(
    (p) =>
      p.ssoAccountId === accountId &&
      p.ssoRoleName === roleName &&
      (target.sessionName !== undefined ? p.ssoSession === target.sessionName : p.ssoSession === undefined && p.ssoStartUrl === target.startUrl),
  )?.name;
}
