import { clickedProfile, confirmRequestedSwitch, reportFailure, useAndRemember, type CommandContext, type CommandFactory } from './context';
import type { Identity } from '../../shared/types';
import { pickProfile } from '../views/quickPicks';

/** Makes a profile the active identity (see useAndRemember); a failure is reported, not thrown. */
export async function switchToProfile(ctx: CommandContext, name: string): Promise<Identity | undefined> {
  return reportFailure(ctx, `Switching to profile "${name}"`, () => useAndRemember(ctx, name));
}

async function profileNameFrom(ctx: CommandContext, arg: unknown, title: string): Promise<string | undefined> {
  const fromTree = clickedProfile(arg);
  if (fromTree) return fromTree.name;
  if (typeof arg === 'string' && arg) {
    if (await confirmRequestedSwitch(arg)) return arg;
    ctx.log.info(`A command asked to switch to profile "${arg}"; the user declined.`);
    return undefined;
  }
  return reportFailure(ctx, 'Picking a profile', async () => (await pickProfile((await ctx.profiles.model()).profiles, title, ctx.manager.activeProfile)).name);
}

export const useProfile: CommandFactory = (ctx) => async (arg?: unknown) => {
  const name = await profileNameFrom(ctx, arg, 'Switch to AWS profile');
  return name === undefined ? undefined : switchToProfile(ctx, name);
};

/** "New Terminal as This Profile": switch to the profile, then open a terminal carrying it. */
export const newTerminalForProfile: CommandFactory = (ctx) => async (arg?: unknown) => {
  const name = await profileNameFrom(ctx, arg, 'Open a terminal as AWS profile');
  if (name === undefined) return undefined;
  const identity = await switchToProfile(ctx, name);
  return identity ? ctx.terminals.openTerminalFor(identity) : undefined;
};
