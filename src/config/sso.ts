/**
 * botocore's SSOProvider checks (credentials.py `_load_sso_config`): a profile is claimed when it
 * sets sso_account_id or sso_role_name; with sso_session, the named [sso-session] must exist and
 * agree with every setting the profile repeats; then all required settings must be present in
 * the profile or its session. Legacy profiles (no sso_session) carry sso_start_url and sso_region
 * themselves.
 *
 * Pure: no `vscode`, no I/O.
 */
import type { SsoSessionConfig } from '../shared/types';
import type { IniValue } from './iniParser';
import type { ProfileIndex } from './profileIndex';
import { firstLineOf, type Problem, type ProviderResult, quote, type Settings, showValue, text } from './problems';
import { pyStrip } from './pythonText';

const SSO_REQUIRED = ['sso_role_name', 'sso_account_id', 'sso_start_url', 'sso_region'];
const SSO_REQUIRED_WITH_SESSION = [...SSO_REQUIRED, 'sso_session'];

export function missingSession(name: string, session: string): Problem {
  return {
    cause: `The sso_session ${quote(session)} of profile "${name}" has no [sso-session ${firstLineOf(session)}] section in the config file`,
    next: `add [sso-session ${firstLineOf(session)}] with sso_start_url and sso_region, or fix the name`,
  };
}

const failure = (problem: Problem): ProviderResult => ({ status: 'error', kind: 'sso', problem });

/** The SSO provider's verdict on profile `name`; undefined when it does not claim the profile. */
export function ssoProvider(name: string, s: Settings, index: ProfileIndex): ProviderResult | undefined {
  if (!s.has('sso_account_id') && !s.has('sso_role_name')) return undefined;
  let session: Settings | undefined;
  let sessionName: string | undefined;
  if (s.has('sso_session')) {
    const named = s.get('sso_session');
    if (typeof named !== 'string') return failure({ cause: `sso_session of profile "${name}" has indented lines under it`, next: 'put the value on the same line' });
    sessionName = named;
    session = index.ssoSessions.get(named);
    if (!session) return failure(missingSession(name, named));
    const conflict = sessionConflict(name, s, named, session);
    if (conflict) return failure(conflict);
  }
  const missing = missingSettings(s, session);
  if (missing.length > 0) {
    return failure({
      cause: `Profile "${name}" is set up for IAM Identity Center but lacks ${missing.join(', ')}`,
      next: `add them (sso_start_url and sso_region can live in an [sso-session]); aws configure sso --profile ${name} writes them`,
    });
  }
  // The start URL and region the token is got with: the session's, else the profile's own.
  const startUrl = session?.get('sso_start_url') ?? s.get('sso_start_url')!;
  const ssoRegion = session?.get('sso_region') ?? s.get('sso_region')!;
  if (typeof startUrl !== 'string' || typeof ssoRegion !== 'string') {
    const key = typeof startUrl !== 'string' ? 'sso_start_url' : 'sso_region';
    const where = session?.has(key) ? `[sso-session ${sessionName}]` : `profile "${name}"`;
    return failure({ cause: `${key} of ${where} has indented lines under it instead of a value`, next: `put the value on the same line as ${key} =` });
  }
  const scopes = session && registrationScopes(session);
  return {
    status: 'credentials',
    kind: 'sso',
    source: {
      type: 'sso',
      profile: name,
      startUrl,
      ssoRegion,
      accountId: text(s, 'sso_account_id') ?? '',
      roleName: text(s, 'sso_role_name') ?? '',
      ...(sessionName !== undefined ? { sessionName } : {}),
      ...(scopes ? { registrationScopes: scopes } : {}),
    },
  };
}

/** The settings botocore requires that neither the profile nor its sso-session has. */
function missingSettings(s: Settings, session: Settings | undefined): string[] {
  const required = session ? SSO_REQUIRED_WITH_SESSION : SSO_REQUIRED;
  const missing: string[] = [];
  // Indexed: until V8 optimizes it, a for-of loop allocates at each step, and this runs per profile.
  for (let i = 0; i < required.length; i++) {
    const k = required[i]!;
    if (!s.has(k) && !session?.has(k)) missing.push(k);
  }
  return missing;
}

/** Scopes by session: every profile of a session shares them, and there can be thousands. */
const scopesOfSession = new WeakMap<Settings, ReadonlyArray<string> | undefined>();

/**
 * `sso_registration_scopes` of the sso-session, as the CLI's parse_sso_registration_scopes reads
 * it: split on commas, each stripped as Python strips, empty ones dropped. Only the session's:
 * legacy profiles register without scopes, and the CLI ignores the key in a profile.
 */
function registrationScopes(session: Settings): ReadonlyArray<string> | undefined {
  if (scopesOfSession.has(session)) return scopesOfSession.get(session);
  const raw = session.get('sso_registration_scopes');
  const scopes = typeof raw === 'string' ? raw.split(',').map(pyStrip).filter((s) => s !== '') : undefined;
  scopesOfSession.set(session, scopes);
  return scopes;
}

/**
 * The IAM Identity Center sign-ins the config names: every `[sso-session]` (in file order), then
 * every start URL that legacy profiles carry themselves (profiles of the same start URL share it,
 * as they share one token in the AWS CLI's cache; its region is the first such profile's).
 * Empty values count as missing.
 */
export function ssoSessionsOf(index: ProfileIndex): SsoSessionConfig[] {
  const value = (s: Settings, key: string): string | undefined => text(s, key) || undefined;
  const bySession = new Map<string, string[]>();
  const legacy = new Map<string, { region?: string; fromProfile: string; profiles: string[] }>();
  // forEach, not for-of over the entries: every profile passes here when the view first opens,
  // and until V8 optimizes the loop each destructured entry allocates and calls several times.
  index.profiles.forEach((entry, name) => {
    const s = entry.settings;
    const session = text(s, 'sso_session');
    if (session !== undefined) {
      const names = bySession.get(session);
      if (names) names.push(name);
      else bySession.set(session, [name]);
      return;
    }
    const startUrl = value(s, 'sso_start_url');
    if (startUrl === undefined) return;
    const known = legacy.get(startUrl) ?? { fromProfile: name, profiles: [] };
    known.region ??= value(s, 'sso_region');
    known.profiles.push(name);
    legacy.set(startUrl, known);
  });
  const sessions: SsoSessionConfig[] = [];
  for (const [name, s] of index.ssoSessions) {
    const startUrl = value(s, 'sso_start_url');
    const region = value(s, 'sso_region');
    const scopes = registrationScopes(s);
    sessions.push({
      name,
      ...(startUrl ? { startUrl } : {}),
      ...(region ? { region } : {}),
      // [] (a value of only commas and blanks) is kept: the CLI's registration key hashes it as [], not null.
      ...(scopes ? { registrationScopes: scopes } : {}),
      profiles: bySession.get(name) ?? [],
    });
  }
  for (const [startUrl, { region, fromProfile, profiles }] of legacy) {
    sessions.push({ startUrl, ...(region ? { region } : {}), fromProfile, profiles });
  }
  return sessions;
}

/** A setting the profile gives a value other than its sso-session's (botocore refuses those). */
function sessionConflict(name: string, s: Settings, sessionName: string, session: Settings): Problem | undefined {
  let conflict: Problem | undefined;
  // The first in the session's order, as botocore compares them. forEach, not for-of: this runs
  // for every SSO profile when the view first opens, and until V8 optimizes a for-of over a Map
  // each destructured entry goes through the iterator protocol.
  session.forEach((theirs, k) => {
    const own = conflict ? undefined : s.get(k);
    if (own !== undefined && !sameValue(own, theirs)) {
      conflict = {
        cause: `Profile "${name}" sets ${k} to ${showValue(k, own)} but its sso-session "${sessionName}" says ${showValue(k, theirs)}`,
        next: `remove ${k} from the profile (the sso-session's value applies), or make the two equal`,
      };
    }
  });
  return conflict;
}

function sameValue(a: IniValue, b: IniValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
