/**
 * The profiles as the tree, the pickers and the API show them: each profile of the index
 * described (its non-secret settings, where it is defined, its kind and its problem), and the
 * listing that describes them page by page for the Profiles view.
 *
 * A profile that cannot work is listed with the reason and the next step, never dropped: a file
 * the CLI refuses, a one-line setting continued on indented lines, then what botocore's chain or
 * STS would refuse (chains.ts), then an invalid region. Sections the CLI ignores but that look
 * meant as profiles are listed last, saying why.
 *
 * Pure: no `vscode`, no I/O.
 */
import type { ProfileInfo, ProfileKind, ProfileListing, ProfileLocation, ProfileModel } from '../shared/types';
import { claimingKind, type Resolution, resolveProfile } from './chains';
import type { ProfileIndex } from './profileIndex';
import { continuedValueProblem, durationSeconds, firstLineOf, type Problem, regionProblem, render, type Settings, text } from './problems';

/** Human label for a kind, for the tree and pickers. */
export function describeProfileKind(kind: ProfileKind): string {
  switch (kind) {
    case 'static':
      return 'static keys';
    case 'sourceProfile':
      return 'role via source_profile';
    case 'credentialSource':
      return 'role via credential_source';
    case 'sso':
      return 'IAM Identity Center';
    case 'process':
      return 'credential_process';
    case 'webIdentity':
      return 'web identity';
    case 'login':
      return 'aws login';
    case 'none':
      return 'no credentials';
  }
}

type Writable<T> = { -readonly [K in keyof T]?: T[K] };

/** The non-secret fields of ProfileInfo, as the CLI reads them (absent ones left out), each its first line. */
function infoFields(s: Settings, ssoSession: Settings | undefined): Writable<ProfileInfo> {
  const f: Writable<ProfileInfo> = {};
  // The "if (v)" ones are left out when empty.
  let v = text(s, 'region');
  if (v) f.region = firstLineOf(v);
  if ((v = text(s, 'role_arn')) !== undefined) f.roleArn = firstLineOf(v);
  if ((v = text(s, 'source_profile')) !== undefined) f.sourceProfile = firstLineOf(v);
  if ((v = text(s, 'credential_source')) !== undefined) f.credentialSource = firstLineOf(v);
  if ((v = text(s, 'mfa_serial'))) f.mfaSerial = firstLineOf(v);
  if ((v = text(s, 'external_id'))) f.externalId = firstLineOf(v);
  if ((v = text(s, 'role_session_name'))) f.roleSessionName = firstLineOf(v);
  const seconds = durationSeconds(s);
  if (seconds !== undefined) f.durationSeconds = seconds;
  if ((v = text(s, 'sso_session')) !== undefined) f.ssoSession = firstLineOf(v);
  if ((v = text(s, 'sso_start_url') || text(ssoSession, 'sso_start_url'))) f.ssoStartUrl = firstLineOf(v);
  if ((v = text(s, 'sso_account_id'))) f.ssoAccountId = firstLineOf(v);
  if ((v = text(s, 'sso_role_name'))) f.ssoRoleName = firstLineOf(v);
  return f;
}

/** A profile as listed, with the walk that decided its kind and problem (absent for an ignored section). */
export interface DescribedProfile {
  readonly info: ProfileInfo;
  readonly resolution?: Resolution;
}

/** Profile `name` of the index described; its problem is the first of those listed in this file's header. */
function describeIndexed(name: string, index: ProfileIndex): DescribedProfile {
  const { settings: s, config: inConfig, credentials: inCredentials } = index.profiles.get(name)!;
  const definedIn: ProfileLocation[] = inConfig ? [{ file: index.configPath, line: inConfig.line }] : [];
  if (inCredentials) definedIn.push({ file: index.credentialsPath, line: inCredentials.line });
  const sessionName = text(s, 'sso_session');
  const info = infoFields(s, sessionName !== undefined ? index.ssoSessions.get(sessionName) : undefined);
  const resolution = resolveProfile(name, index);
  info.name = name;
  info.kind = resolution.kind;
  info.definedIn = definedIn;
  const refusal = inConfig && index.configRefusal ? { path: index.configPath, r: index.configRefusal } : inCredentials && index.credentialsRefusal ? { path: index.credentialsPath, r: index.credentialsRefusal } : undefined;
  let problem: Problem | undefined = refusal && { cause: `The AWS CLI cannot read ${refusal.path}, which defines this profile: ${refusal.r.cause}`, next: refusal.r.fix };
  // Values are looked at one by one only when some value of the files continues at all (rare).
  if (!problem && index.someContinued) problem = continuedValueProblem(name, s);
  problem ??= resolution.problem;
  if (!problem && info.region !== undefined) problem = regionProblem(name, info.region);
  if (problem) info.problem = render(problem);
  return { info: info as ProfileInfo, resolution };
}

/** The sections the CLI ignores, listed as profiles unless a real profile (or an earlier one) has the name. */
function describeIgnored(index: ProfileIndex, fileProblems: string[]): ProfileInfo[] {
  const listed: ProfileInfo[] = [];
  const names = new Set(index.ignored.length > 0 ? index.profiles.keys() : []);
  for (const { section, name, why, fix } of index.ignored) {
    const problem = render({ cause: `The AWS CLI ignores the section [${section.header}] in ${index.configPath}: ${why}`, next: fix });
    if (name === undefined || name === '' || names.has(name)) {
      fileProblems.push(`${problem} (line ${section.line + 1})`);
      continue;
    }
    names.add(name);
    const info = infoFields(section.settings, undefined);
    info.name = name;
    info.kind = claimingKind(section.settings);
    info.definedIn = [{ file: index.configPath, line: section.line }];
    info.problem = problem;
    listed.push(info as ProfileInfo);
  }
  return listed;
}

/** A listing that can also say how each profile was resolved (for the snapshot's plans). */
export interface IndexedListing extends ProfileListing {
  /** Profile `name` described with its resolution, as the listing lists it; undefined when there is none. */
  describe(name: string): DescribedProfile | undefined;
}

/**
 * Lists the profiles of the index, describing each only when first asked for: the Profiles view
 * shows the first few hundred, and walking every chain of a large config first would delay it.
 * Never throws.
 */
export function listProfiles(index: ProfileIndex): IndexedListing {
  const fileProblems = [...index.fileProblems];
  const ignored = describeIgnored(index, fileProblems);
  const header: Omit<ProfileModel, 'profiles'> = { ssoSessions: [...index.ssoSessions.keys()], configFile: index.configPath, credentialsFile: index.credentialsPath, fileProblems };
  const names = [...index.profiles.keys()];
  const count = names.length;
  const total = count + ignored.length;
  const described: ProfileInfo[] = [];
  const describeUpTo = (n: number): void => {
    while (described.length < Math.min(n, count)) described.push(describeIndexed(names[described.length]!, index).info);
  };
  const describe = (name: string): DescribedProfile | undefined => {
    if (index.profiles.has(name)) return describeIndexed(name, index);
    const info = ignored.find((p) => p.name === name);
    return info ? { info } : undefined;
  };
  let model: ProfileModel | undefined;
  return {
    ...header,
    total,
    first: (n) => {
      describeUpTo(n);
      return n <= count ? described.slice(0, n) : [...described, ...ignored.slice(0, n - count)];
    },
    model: () => {
      if (!model) {
        describeUpTo(count);
        model = { ...header, profiles: ignored.length > 0 ? [...described, ...ignored] : [...described] };
      }
      return model;
    },
    profile: (name) => describe(name)?.info,
    describe,
  };
}

/** A listing of a model already complete (when the files could not be read at all). */
export function listingOf(model: ProfileModel): IndexedListing {
  const { profiles, ...header } = model;
  const find = (name: string): ProfileInfo | undefined => profiles.find((p) => p.name === name);
  return {
    ...header,
    total: profiles.length,
    first: (count) => profiles.slice(0, count),
    model: () => model,
    profile: find,
    describe: (name) => {
      const info = find(name);
      return info ? { info } : undefined;
    },
  };
}
