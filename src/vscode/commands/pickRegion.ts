/**
 * "AWS Identity: Change Region" (awsIdentity.pickRegion), the region status bar item's command:
 * moves the active identity to another region of its partition without a new sign-in (see
 * src/identity/regionChoice.ts), for new terminals, the console and the API, and remembers the
 * choice for this identity in this workspace.
 *
 * Without an argument it shows the partition's regions, recently used first. With a region code
 * as argument (a keybinding, a link, another extension, the tests) it asks first, then applies
 * that region after the same checks: an unknown region or one of another partition is refused
 * with the reason.
 */
import * as vscode from 'vscode';
import type { Identity } from '../../shared/types';
import { checkRegion, orderRegions, partitionOfIdentity } from '../../shared/regions';
import { UserCancelledError } from '../views/mfaPrompt';
import { confirmByPicker, reportFailure, type CommandContext } from './context';

interface RegionPickItem extends vscode.QuickPickItem {
  readonly code?: string;
}

/** The picker's rows: separators "Recently used" / "All regions", the current one marked. */
export function regionPickItems(identity: Identity, recent: readonly string[]): RegionPickItem[] {
  const ordered = orderRegions(partitionOfIdentity(identity), recent);
  const items: RegionPickItem[] = [];
  let section: 'recent' | 'all' | undefined;
  for (const r of ordered) {
    const wanted = r.recent ? 'recent' : 'all';
    if (section !== wanted) {
      items.push({ label: r.recent ? 'Recently used' : 'All regions', kind: vscode.QuickPickItemKind.Separator });
      section = wanted;
    }
    const current = r.code === identity.region;
    items.push({ label: r.code, description: `${r.name}${current ? ' · current' : ''}`, code: r.code, ...(current ? { iconPath: new vscode.ThemeIcon('check') } : {}) });
  }
  return items;
}

/** Asks for a region of the identity's partition; rejects with UserCancelledError when dismissed. */
async function askRegion(identity: Identity, recent: readonly string[]): Promise<string> {
  const items = regionPickItems(identity, recent);
  if (!items.some((i) => i.code)) {
    throw new Error(`AWS Identity has no region list for the partition of ${identity.arn}, so its region cannot be changed here. Set \`region\` in the profile (~/.aws/config) instead.`);
  }
  const qp = vscode.window.createQuickPick<RegionPickItem>();
  qp.title = `Region for ${identity.name} (${identity.account}): now ${identity.region}`;
  qp.placeholder = 'Filter by code or name, e.g. "eu-west" or "Ireland"';
  qp.matchOnDescription = true;
  qp.items = items;
  const current = items.find((i) => i.code === identity.region);
  if (current) qp.activeItems = [current];
  try {
    return await new Promise<string>((resolve, reject) => {
      qp.onDidAccept(() => {
        const code = qp.selectedItems[0]?.code ?? qp.activeItems[0]?.code;
        if (code) resolve(code);
      });
      qp.onDidHide(() => reject(new UserCancelledError('Picking a region')));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}

/**
 * A region given as the command's argument (a link, a keybinding, another extension): a valid one
 * applies only after the user says so, since new terminals and the console would follow it; an
 * invalid one goes on to the check, which refuses it with the reason.
 */
async function confirmedRegion(active: Identity, arg: unknown): Promise<unknown> {
  const check = checkRegion(arg, partitionOfIdentity(active));
  if (!check.ok) return arg;
  const yes = await confirmByPicker({
    title: `A command asked to change the AWS region to ${check.region.code}`,
    yes: { label: `$(check) Change the region to ${check.region.code}`, detail: `${active.name}'s new terminals and console links would use ${check.region.name}.` },
    no: '$(close) Keep the region as it is',
  });
  if (!yes) throw new UserCancelledError('Changing the region');
  return arg;
}

/**
 * The command. Returns the identity with its new region, or undefined when nothing changed
 * (cancelled, refused: the error notification says why).
 */
export function pickRegion(ctx: CommandContext): (arg?: unknown) => Promise<Identity | undefined> {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Changing the region', async () => {
      const active = ctx.manager.identity;
      if (!active) throw new Error('No AWS identity is selected, so there is no region to change. Pick a profile or assume a role first (status bar or AWS Identity view), then change its region.');
      // A command argument is taken only as a region code; anything else is refused by the check.
      const requested = arg === undefined ? await askRegion(active, ctx.memory.recentRegions()) : await confirmedRegion(active, arg);
      if (ctx.manager.identity?.arn !== active.arn) throw new Error(`The identity changed to ${ctx.manager.identity?.name ?? 'none'} while the region was being picked; nothing was changed. Pick the region again.`);
      const identity = ctx.manager.setRegion(requested as string);
      await ctx.memory.rememberRegion(identity, identity.region);
      ctx.log.info(`Region ${identity.region} remembered for ${identity.name} in this workspace${arg === undefined ? '' : ' (given as the command argument)'}.`);
      return identity;
    });
}
