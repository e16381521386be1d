/**
 * Pure model → display conversion for the tree and the status bar (no `vscode` import), so
 * what the user reads is unit-tested with plain mocha. The adapters only wrap these values
 * in TreeItem / StatusBarItem objects.
 */
import type { Identity, ProfileInfo, ProfileKind } from '../../shared/types';
import { describeProfileKind } from '../../config/profiles';
import type { IdentityState } from '../../identity/identityManager';

/** Kind labels, from the core's own wording (describeProfileKind), for rows, tooltips and pickers. */
export const KIND_LABELS: Record<ProfileKind, string> = Object.fromEntries(
  (['static', 'sourceProfile', 'credentialSource', 'sso', 'process', 'webIdentity', 'login', 'none'] as const).map((k) => [k, describeProfileKind(k)]),
) as Record<ProfileKind, string>;

/** Codicon per kind; `warning` wins when the profile cannot work. */
const KIND_ICONS: Record<ProfileKind, string> = {
  static: 'key',
  sourceProfile: 'arrow-swap',
  credentialSource: 'server-environment',
  sso: 'organization',
  process: 'terminal',
  webIdentity: 'globe',
  login: 'sign-in',
  none: 'circle-slash',
};

/** One row of the Profiles view: what getTreeItem shows. */
export interface ProfileRowView {
  readonly label: string;
  readonly description: string;
  readonly icon: string; // codicon id
  readonly contextValue: string;
}

/** Escapes text for inclusion in Markdown (profile names and ARNs are user data). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * A region the user chose for the profile in this workspace, when it differs from the profile's
 * own: a switch to the profile applies it, so the row and its tooltip name it.
 */
function chosenOver(p: ProfileInfo, chosenRegion: string | undefined): string | undefined {
  return chosenRegion !== p.region ? chosenRegion : undefined;
}

/** The region a row names: the one a switch to the profile uses (else the default it falls back to). */
function rowRegion(p: ProfileInfo, fallbackRegion: string, chosenRegion: string | undefined): string {
  const chosen = chosenOver(p, chosenRegion);
  if (chosen !== undefined) return `${chosen} (chosen)`;
  return p.region ?? `${fallbackRegion} (default)`;
}

/**
 * The row alone. Cheap on purpose: VS Code asks for every row of a level at once, so a config
 * of 10,000 profiles builds 10,000 of these; tooltips are built on hover (profileTooltip).
 */
export function profileRowView(p: ProfileInfo, active: boolean, fallbackRegion: string, chosenRegion?: string): ProfileRowView {
  const description = p.problem
    ? `⚠ ${p.problem}`
    : `${active ? 'active · ' : ''}${KIND_LABELS[p.kind]} · ${rowRegion(p, fallbackRegion, chosenRegion)}${p.mfaSerial ? ' · MFA' : ''}`;
  return {
    label: p.name,
    description,
    icon: active ? 'pass-filled' : p.problem ? 'warning' : KIND_ICONS[p.kind],
    contextValue: `awsIdentity.profile.${p.problem ? 'invalid' : 'usable'}${active ? '.active' : ''}`,
  };
}

/**
 * Profiles the view lists before a "Show all" row. VS Code builds and sends every row of a level
 * at once, and each row needs its profile described first (docs/performance.md has the figures);
 * real configs rarely reach this many.
 */
export const PROFILES_SHOWN_FIRST = 500;

/** The row after the first profiles of a large config: the count not shown, and how to see them or find one. */
export function moreProfilesRowView(total: number, hidden: number): { label: string; description: string; tooltip: string } {
  return {
    label: `Show all ${total.toLocaleString('en-US')} profiles`,
    description: `${hidden.toLocaleString('en-US')} more`,
    tooltip:
      `Only the first ${(total - hidden).toLocaleString('en-US')} profiles are listed, so the view opens quickly. ` +
      'Click to list all of them (VS Code then takes longer to draw the view). To find one profile, run "AWS Identity: Switch Identity…" and type part of its name.',
  };
}

/** The row's Markdown tooltip: kind, region, role, source, MFA, file, and the reason it cannot be used. */
export function profileTooltip(p: ProfileInfo, active: boolean, fallbackRegion: string, chosenRegion?: string): string {
  const rows: string[] = [`**${md(p.name)}**${active ? ' — active identity' : ''}`, ''];
  const row = (k: string, v: string | undefined): void => {
    if (v) rows.push(`- ${k}: ${v}`);
  };
  row('Kind', KIND_LABELS[p.kind]);
  const own = p.region ? md(p.region) : `${md(fallbackRegion)} (no region in the profile; the default applies)`;
  const chosen = chosenOver(p, chosenRegion);
  row('Region', chosen !== undefined ? `${md(chosen)} (chosen for this profile in this workspace; the profile says ${own})` : own);
  row('Role ARN', p.roleArn && `\`${p.roleArn.replace(/`/g, '')}\``);
  row('Source profile', p.sourceProfile && md(p.sourceProfile));
  row('Credential source', p.credentialSource && md(p.credentialSource));
  row('MFA', p.mfaSerial ? `required (\`${p.mfaSerial.replace(/`/g, '')}\`)` : undefined);
  row('SSO session', p.ssoSession && md(p.ssoSession));
  row('SSO start URL', p.ssoStartUrl && md(p.ssoStartUrl));
  row('Session duration', p.durationSeconds ? `${p.durationSeconds} s` : undefined);
  row('Defined in', p.definedIn.map((l) => md(l.file) + (l.line !== undefined ? `:${l.line + 1}` : '')).join(', '));
  if (p.problem) rows.push('', `$(warning) **Cannot be used:** ${md(p.problem)}`);
  return rows.join('\n');
}

/** What the status bar shows. */
export interface StatusView {
  readonly text: string;
  readonly tooltip: string; // Markdown
  readonly severity: 'normal' | 'warning' | 'error';
}

export type StatusState =
  | { readonly status: 'none' }
  | { readonly status: 'switching'; readonly target: string; readonly previous?: Identity }
  | {
      readonly status: 'active';
      readonly identity: Identity;
      readonly refreshError?: string;
      /** Renewing needs a new IAM Identity Center sign-in to this session (its name, or the start URL of legacy profiles). */
      readonly signInNeeded?: string;
    }
  | { readonly status: 'error'; readonly message: string; readonly previous?: Identity };

function describeSource(identity: Identity): string {
  const source = identity.source;
  switch (source.type) {
    case 'profile':
      return `profile \`${source.profile.replace(/`/g, '')}\``;
    case 'assumedRole':
      return `role assumed from ${md(source.sourceLabel)}`;
    case 'ssoRole':
      return `IAM Identity Center role ${md(source.roleName)} in ${md(source.accountName ?? source.accountId)}`;
  }
}

export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

function identityRows(identity: Identity, now: number): string[] {
  const rows = [
    `- ARN: \`${identity.arn.replace(/`/g, '')}\``,
    `- Account: ${identity.account}`,
    `- Region: ${md(identity.region)}${identity.regionSource === 'profile' ? '' : ` (from ${identity.regionSource})`}`,
    `- Source: ${describeSource(identity)}`,
  ];
  if (identity.sourceProfile) rows.push(`- Source profile: ${md(identity.sourceProfile)}`);
  rows.push(
    identity.expiration
      ? `- Expires: ${identity.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')} (in ${formatRemaining(identity.expiration.getTime() - now)}; renewed automatically)`
      : '- Expires: never (long-lived keys; terminals get session credentials derived from them)',
  );
  return rows;
}

export function statusView(state: StatusState, now: number, warnWithinMinutes: number): StatusView {
  const footer = '\n\n---\nClick to switch identity, assume a role or open a terminal.';
  switch (state.status) {
    case 'none':
      return { text: '$(cloud) AWS: no identity', tooltip: `**AWS Identity**\n\nNo identity is active.${footer}`, severity: 'normal' };
    case 'switching':
      return {
        text: `$(sync~spin) AWS: ${state.target}…`,
        tooltip: `**Switching to ${md(state.target)}…**${state.previous ? `\n\nStill using ${md(state.previous.name)} until it succeeds.` : ''}`,
        severity: 'normal',
      };
    case 'error': {
      const prev = state.previous;
      return {
        text: prev ? `$(error) ${prev.name} (${prev.account})` : '$(error) AWS: no identity',
        tooltip:
          `**Switch failed**\n\n${md(state.message)}\n\n` +
          (prev ? `Still using **${md(prev.name)}**:\n\n${identityRows(prev, now).join('\n')}` : 'No identity is active.') +
          footer,
        severity: 'error',
      };
    }
    case 'active': {
      if (state.signInNeeded !== undefined) return signInNeededView(state.identity, state.signInNeeded, now, footer);
      const id = state.identity;
      const remaining = id.expiration ? id.expiration.getTime() - now : Infinity;
      const expiringSoon = remaining <= warnWithinMinutes * 60_000;
      const rows = [`**${md(id.name)}** — AWS account ${id.account}`, '', ...identityRows(id, now)];
      if (state.refreshError) rows.push('', `$(warning) **Renewing credentials failed:** ${md(state.refreshError)} Retrying; the current credentials stay in use until they expire.`);
      if (expiringSoon && remaining > 0) rows.push('', `$(warning) Credentials expire in ${formatRemaining(remaining)}.`);
      if (remaining <= 0) rows.push('', '$(error) Credentials have expired. Switch identity again to renew them.');
      return {
        text: `${remaining <= 0 ? '$(error)' : expiringSoon || state.refreshError ? '$(warning)' : '$(cloud)'} ${id.name} (${id.account})`,
        tooltip: rows.join('\n') + footer,
        severity: remaining <= 0 ? 'error' : expiringSoon || state.refreshError ? 'warning' : 'normal',
      };
    }
  }
}

/** A session as its row in the Profiles view is labelled: the [sso-session] name, else the start URL's host. */
function sessionLabelOf(s: { sessionName?: string; startUrl: string }): string {
  if (s.sessionName !== undefined) return s.sessionName;
  try {
    return new URL(s.startUrl).host || s.startUrl;
  } catch {
    return s.startUrl;
  }
}

/** The identity manager's state as the status bar shows it (a renewal that needs a sign-in included). */
export function toStatusState(state: IdentityState): StatusState {
  switch (state.status) {
    case 'switching':
      return { status: 'switching', target: state.target ?? 'new identity', ...(state.identity ? { previous: state.identity } : {}) };
    case 'active':
      return state.identity
        ? {
            status: 'active',
            identity: state.identity,
            ...(state.refreshError ? { refreshError: state.refreshError.message } : {}),
            ...(state.signInNeeded ? { signInNeeded: sessionLabelOf(state.signInNeeded) } : {}),
          }
        : { status: 'none' };
    case 'error':
      return { status: 'error', message: state.message ?? 'The switch failed.', ...(state.identity ? { previous: state.identity } : {}) };
    default:
      return { status: 'none' };
  }
}

/**
 * The active identity can no longer be renewed: its IAM Identity Center sign-in expired (or was
 * signed out) and could not be refreshed. A warning while the credentials in hand work, an error
 * once they expired; both say until when, and how to sign in.
 */
function signInNeededView(id: Identity, session: string, now: number, footer: string): StatusView {
  const remaining = id.expiration ? id.expiration.getTime() - now : Infinity;
  const expired = remaining <= 0;
  const until = id.expiration ? (expired ? `expired at ${clockTime(id.expiration)}` : `last until ${clockTime(id.expiration)}`) : 'last until they expire';
  const next =
    `Next step: choose **Sign In** on the notification, or run **IAM Identity Center: Sign In** (Command Palette, or right-click ${md(session)} in the Profiles view); ` +
    'the credentials are renewed as soon as you are signed in. From a terminal: `aws sso login`, then select the identity again.';
  return {
    text: `${expired ? '$(error)' : '$(warning)'} ${id.name} (${id.account}): sign-in needed`,
    tooltip:
      `$(warning) **The IAM Identity Center sign-in for ${md(session)} expired**, so ${md(id.name)} cannot be renewed: its credentials ${until}` +
      `${expired ? ' and AWS calls fail' : ''}.\n\n${next}\n\n---\n\n**${md(id.name)}** — AWS account ${id.account}\n\n${identityRows(id, now).join('\n')}${footer}`,
    severity: expired ? 'error' : 'warning',
  };
}

/** What an IAM Identity Center sign-in node is in: from the token cache (no network), or what is under way. */
export type SignInRowState =
  | { readonly state: 'none' | 'signingIn' }
  | { readonly state: 'valid' | 'expired'; readonly expiresAt: Date; readonly refreshable: boolean }
  | { readonly state: 'invalid'; readonly problem: string };

/** A row of the Profiles view with a tooltip (Markdown) of its own. */
export interface SsoRowView extends ProfileRowView {
  readonly tooltip: string;
}

/** HH:MM in local time (24-hour), as the row shows when a sign-in ends. */
export function clockTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A sign-in node: an [sso-session] or a legacy start URL, and its state ("signed in until HH:MM", "signed out", "expired"). */
/**
 * The first few names and how many more: a session of a generated organisation config has
 * thousands of profiles, and a row's tooltip travels to the workbench with the row.
 */
function someOf(names: readonly string[], shown = 10): string {
  const listed = names.slice(0, shown).map(md).join(', ');
  return names.length > shown ? `${listed} and ${(names.length - shown).toLocaleString('en-US')} more` : listed;
}

export function ssoSessionRowView(t: { label: string; sessionName?: string; startUrl?: string; region?: string; profiles: readonly string[] }, s: SignInRowState): SsoRowView {
  const description =
    s.state === 'valid' ? `signed in until ${clockTime(s.expiresAt)}` : s.state === 'expired' ? 'expired' : s.state === 'signingIn' ? 'signing in…' : s.state === 'invalid' ? `⚠ ${s.problem}` : 'signed out';
  const what = t.sessionName !== undefined ? `[sso-session ${md(t.sessionName)}]` : `legacy profiles (${someOf(t.profiles)})`;
  const rows = [`**IAM Identity Center** — ${what}`, ''];
  if (t.startUrl) rows.push(`- Start URL: ${md(t.startUrl)}`);
  if (t.region) rows.push(`- Region: ${md(t.region)}`);
  if (t.profiles.length && t.sessionName !== undefined) rows.push(`- Profiles using it: ${someOf(t.profiles)}`);
  if (s.state === 'valid') rows.push(`- Signed in until ${s.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}${s.refreshable ? ' (renewed automatically while the refresh token lasts)' : ''}`);
  if (s.state === 'expired') rows.push('', s.refreshable ? 'The sign-in expired; it is renewed the next time it is used, or sign in again.' : 'The sign-in expired: sign in again.');
  if (s.state === 'none') rows.push('', 'Not signed in: sign in to list your accounts and roles.');
  if (s.state === 'invalid') rows.push('', `$(warning) ${md(s.problem)}`);
  const contextState = s.state === 'valid' ? 'signedIn' : s.state === 'invalid' ? 'invalid' : s.state === 'signingIn' ? 'signingIn' : s.state === 'expired' ? 'expired' : 'signedOut';
  return {
    label: t.label,
    description,
    icon: s.state === 'valid' ? 'pass' : s.state === 'invalid' ? 'warning' : s.state === 'signingIn' ? 'loading~spin' : 'sign-in',
    contextValue: `awsIdentity.sso.session.${contextState}`,
    tooltip: rows.join('\n'),
  };
}

/** An account under a signed-in node: its name, ID and email. */
export function ssoAccountRowView(a: { accountId: string; accountName?: string; emailAddress?: string }): SsoRowView {
  return {
    label: a.accountName ?? a.accountId,
    description: [a.accountName ? a.accountId : undefined, a.emailAddress].filter(Boolean).join(' · '),
    icon: 'organization',
    contextValue: 'awsIdentity.sso.account',
    tooltip: [`**${md(a.accountName ?? a.accountId)}**`, '', `- Account ID: ${a.accountId}`, ...(a.emailAddress ? [`- Email: ${md(a.emailAddress)}`] : [])].join('\n'),
  };
}

/** A role of an account; marked when a profile already takes it, and active when it is the identity in use. */
export function ssoRoleRowView(roleName: string, account: string, profile: string | undefined, active: boolean): SsoRowView {
  return {
    label: roleName,
    description: [active ? 'active' : undefined, profile ? `profile ${profile}` : undefined].filter(Boolean).join(' · '),
    icon: active ? 'pass-filled' : 'person',
    contextValue: `awsIdentity.sso.role${profile ? '.saved' : ''}`,
    tooltip: [
      `**${md(roleName)}** in ${md(account)}`,
      '',
      profile ? `Profile **${md(profile)}** in your config file already uses this role.` : 'No profile uses this role yet: "Save as Profile…" adds one for the AWS CLI and SDKs.',
      '',
      'Click to use it as the active identity.',
    ].join('\n'),
  };
}
