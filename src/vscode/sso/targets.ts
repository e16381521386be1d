/**
 * What can be signed in to, as the config says: every `[sso-session NAME]`, and every start URL
 * that legacy profiles (sso_start_url without sso_session) carry themselves. One sign-in node per
 * token in the AWS CLI's cache: legacy profiles of the same start URL share one.
 *
 * No `vscode` import: tested with plain mocha.
 */
import type { ProfileIndex } from '../../config/profileIndex';
import { text } from '../../config/problems';
import type { ProfileInfo } from '../../shared/types';
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

/** The sign-in targets of the config, sessions first (in file order), then legacy start URLs. */
export function signInTargets(index: ProfileIndex): SignInTarget[] {
  const byProfile = new Map<string, string[]>();
  const legacy = new Map<string, { region?: string; profiles: string[] }>();
  for (const [name, entry] of index.profiles) {
    const s = entry.settings;
    const session = text(s, 'sso_session');
    if (session !== undefined) {
      byProfile.set(session, [...(byProfile.get(session) ?? []), name]);
      continue;
    }
    const startUrl = text(s, 'sso_start_url');
    if (startUrl === undefined || startUrl === '') continue;
    const known = legacy.get(startUrl) ?? { profiles: [] };
    known.region ??= text(s, 'sso_region') || undefined;
    known.profiles.push(name);
    legacy.set(startUrl, known);
  }
  const targets: SignInTarget[] = [];
  for (const [name, s] of index.ssoSessions) {
    const startUrl = text(s, 'sso_start_url');
    const region = text(s, 'sso_region');
    const scopes = text(s, 'sso_registration_scopes');
    const missing = [!startUrl && 'sso_start_url', !region && 'sso_region'].filter(Boolean);
    const base = { id: `sso-session:${name}`, label: name, sessionName: name, profiles: byProfile.get(name) ?? [], ...(startUrl ? { startUrl } : {}), ...(region ? { region } : {}) };
    if (missing.length > 0 || !startUrl || !region) {
      targets.push({ ...base, problem: `[sso-session ${name}] in ${index.configPath} lacks ${missing.join(' and ')}. Add ${missing.length > 1 ? 'them' : 'it'} (Open AWS Config File), then reload.` });
      continue;
    }
    const registrationScopes = scopes?.split(',').map((x) => x.trim()).filter(Boolean);
    targets.push({ ...base, session: { sessionName: name, startUrl, region, ...(registrationScopes?.length ? { registrationScopes } : {}) } });
  }
  for (const [startUrl, { region, profiles }] of legacy) {
    const base = { id: `sso-url:${startUrl}`, label: hostOf(startUrl), startUrl, profiles, ...(region ? { region } : {}) };
    if (!region) {
      targets.push({ ...base, problem: `Profile "${profiles[0]}" has sso_start_url but no sso_region. Add sso_region to it (Open AWS Config File), then reload.` });
      continue;
    }
    targets.push({ ...base, session: { startUrl, region } });
  }
  return targets;
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
