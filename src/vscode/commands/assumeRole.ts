import * as vscode from 'vscode';
import { assumeAndRemember, profileArgument, reportFailure, type CommandContext, type CommandFactory } from './context';
import type { Identity, ProfileInfo } from '../../shared/types';
import {
  CHAINED_ROLE_MAX_DURATION_SECONDS,
  MAX_ROLE_DURATION_SECONDS,
  MIN_ROLE_DURATION_SECONDS,
  SESSION_NAME_PATTERN,
  clampDuration,
  isMfaSerial,
  parseCallerArn,
  sanitizeSessionName,
} from '../../shared/roleInput';
import { ALWAYS_ALLOWED_DURATION_SECONDS, isDurationTooLongError } from '../../credentials/errors';
import type { AssumeRoleRequest } from '../../identity/identityManager';
import { askText, pickProfile, pickRoleArn } from '../views/quickPicks';
import { UserCancelledError } from '../views/mfaPrompt';

type Source = AssumeRoleRequest['source'];

interface Flow {
  readonly withOptions: boolean;
  /** Set when started from a profile in the tree. */
  readonly sourceProfile?: ProfileInfo;
}

/** "Assume Role…": role ARN in, assumed identity active, two keystrokes when defaults suit. */
async function runAssumeRole(ctx: CommandContext, flow: Flow): Promise<Identity | undefined> {
  const partition = ctx.manager.shorthandPartition(flow.sourceProfile ? 'profile' : 'active');
  const roleArn = await reportFailure(ctx, 'Entering a role', () => pickRoleArn(ctx.memory.recentRoles(), flow.sourceProfile ? `Assume AWS role with profile "${flow.sourceProfile.name}"` : 'Assume AWS role', partition));
  if (!roleArn) return undefined;

  // Source credentials: the tree's profile, else the active identity (role chaining), else a profile the user picks.
  const source = await reportFailure(ctx, 'Choosing source credentials', async (): Promise<Source> => {
    if (flow.sourceProfile) return { type: 'profile', profile: flow.sourceProfile.name };
    if (ctx.manager.identity && !flow.withOptions) return { type: 'active' };
    const profiles = (await ctx.profiles.model()).profiles;
    if (ctx.manager.identity) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: `$(account) ${ctx.manager.identity.name}`, description: 'the active identity (role chaining, at most 1 hour)', source: { type: 'active' } as Source },
          ...profiles.filter((p) => !p.problem).map((p) => ({ label: p.name, description: 'profile', source: { type: 'profile', profile: p.name } as Source })),
        ],
        { title: 'Assume the role with which credentials?', ignoreFocusOut: true },
      );
      if (!choice) throw new UserCancelledError('Choosing source credentials');
      return choice.source;
    }
    return { type: 'profile', profile: (await pickProfile(profiles, 'Assume the role with which profile\'s credentials?')).name };
  });
  if (!source) return undefined;

  // As the manager decides it: any role session (a role profile, an IAM Identity Center role, an
  // assumed role) chains, and STS then allows at most an hour.
  const active = ctx.manager.identity;
  const chained = source.type === 'active' && active !== undefined && parseCallerArn(active.arn).kind === 'assumed-role';
  let request: AssumeRoleRequest = {
    roleArn,
    source,
    sessionName: sanitizeSessionName(ctx.settings.sessionName()),
    durationSeconds: clampDuration(ctx.settings.durationSeconds(), { chained }).seconds,
  };

  if (flow.withOptions) {
    const options = await reportFailure(ctx, 'Entering role options', () => askOptions(ctx, request, chained));
    if (!options) return undefined;
    request = options;
  }

  const assume = (req: AssumeRoleRequest): Promise<Identity> => assumeAndRemember(ctx, req);

  try {
    return await assume(request);
  } catch (error) {
    // The role allows less than was asked: say so and offer the one duration every role accepts.
    if (isDurationTooLongError(error) && (request.durationSeconds ?? ALWAYS_ALLOWED_DURATION_SECONDS) > ALWAYS_ALLOWED_DURATION_SECONDS) {
      const retry = 'Retry with 1 hour';
      const choice = await vscode.window.showWarningMessage(
        `${(error as Error).message}`,
        retry,
      );
      // An MFA code works once and STS has seen this one: the retry asks for a fresh code.
      const { tokenCode: _spent, ...withoutCode } = request;
      if (choice === retry) return reportFailure(ctx, `Assuming ${roleArn}`, () => assume({ ...withoutCode, durationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS }));
      return undefined;
    }
    return reportFailure(ctx, `Assuming ${roleArn}`, () => Promise.reject(error));
  }
}

async function askOptions(ctx: CommandContext, base: AssumeRoleRequest, chained: boolean): Promise<AssumeRoleRequest> {
  const sessionName = await askText(
    {
      title: 'Role session name (shows in CloudTrail)',
      value: base.sessionName,
      validateInput: (v) => (SESSION_NAME_PATTERN.test(v.trim()) ? undefined : '2 to 64 characters of letters, digits and + = , . @ _ -'),
    },
    'Entering the session name',
  );
  const durationText = await askText(
    {
      title: 'Session duration in seconds',
      value: String(base.durationSeconds ?? ctx.settings.durationSeconds()),
      prompt: chained
        ? `Role chaining: AWS allows at most ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds.`
        : `${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS} seconds; the role's own maximum may be lower.`,
      validateInput: (v) => {
        const n = Number(v.trim());
        if (!Number.isInteger(n) || n < MIN_ROLE_DURATION_SECONDS || n > MAX_ROLE_DURATION_SECONDS) {
          return `A whole number of seconds from ${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS}.`;
        }
        if (chained && n > CHAINED_ROLE_MAX_DURATION_SECONDS) return `Role chaining is limited to ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds by AWS.`;
        return undefined;
      },
    },
    'Entering the duration',
  );
  const externalId = await askText(
    { title: 'External ID (optional)', prompt: 'Only if the role\'s trust policy requires one. Leave empty otherwise.', validateInput: (v) => (v.trim() === '' || /^[\w+=,.@:/-]{2,1224}$/.test(v.trim()) ? undefined : '2 to 1224 characters of letters, digits and + = , . @ : / -') },
    'Entering the external ID',
  );
  const mfaSerial = await askText(
    { title: 'MFA device ARN (optional)', prompt: 'Only if the role requires MFA, e.g. arn:aws:iam::123456789012:mfa/alice. Leave empty otherwise.', validateInput: (v) => (v.trim() === '' || isMfaSerial(v.trim()) ? undefined : 'An MFA device ARN such as arn:aws:iam::123456789012:mfa/alice (letters, digits and + = , . @ _ - /), or a hardware serial number.') },
    'Entering the MFA device',
  );
  // No code asked here: the switch asks the MFA code source when it calls STS, so a YubiKey
  // (awsIdentity.mfa.source) answers as it does for profiles and renewals.
  return {
    ...base,
    sessionName,
    durationSeconds: Number(durationText),
    ...(externalId ? { externalId } : {}),
    ...(mfaSerial ? { mfaSerial } : {}),
  };
}

export const assumeRole: CommandFactory = (ctx) => () => runAssumeRole(ctx, { withOptions: false });
export const assumeRoleWithOptions: CommandFactory = (ctx) => () => runAssumeRole(ctx, { withOptions: true });
export const assumeRoleFromProfile: CommandFactory = (ctx) => (arg?: unknown) => {
  const sourceProfile = profileArgument(arg);
  return runAssumeRole(ctx, sourceProfile ? { withOptions: false, sourceProfile } : { withOptions: false });
};
