import * as vscode from 'vscode';
import type { ProfileInfo } from '../../shared/types';
import { parseRoleInput, type Partition } from '../../shared/roleInput';
import type { RecentRole } from '../../identity/recentRoles';
import { KIND_LABELS } from './presentation';
import { UserCancelledError } from './mfaPrompt';

interface ProfilePickItem extends vscode.QuickPickItem {
  readonly profile?: ProfileInfo;
}

/** Picks a usable profile; rejects with UserCancelledError when dismissed. */
export async function pickProfile(profiles: readonly ProfileInfo[], title: string, active?: string): Promise<ProfileInfo> {
  const usable = profiles.filter((p) => !p.problem);
  if (usable.length === 0) {
    throw new Error('No usable AWS profile was found in your config files. Add one to ~/.aws/config (see "AWS Identity: Open AWS Config File"), or use "Assume Role…".');
  }
  const items: ProfilePickItem[] = usable.map((p) => ({
    label: p.name,
    description: [KIND_LABELS[p.kind], p.region, p.name === active ? 'active' : undefined].filter(Boolean).join(' · '),
    detail: p.roleArn,
    profile: p,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Type to filter profiles', matchOnDescription: true, matchOnDetail: true });
  if (!picked?.profile) throw new UserCancelledError('Picking a profile');
  return picked.profile;
}

interface RolePickItem extends vscode.QuickPickItem {
  readonly arn?: string;
}

/**
 * Asks for a role: a full ARN or the `123456789012:role/Name` / `123456789012:Name` shorthand,
 * validated as the user types (the first row states exactly what is wrong), with recently used
 * roles offered first. Resolves to the full role ARN; the shorthand gets `partition` (the one the
 * identity manager would give it, so that a China or GovCloud identity gets a role of its own partition).
 */
export function pickRoleArn(recent: readonly RecentRole[], title: string, partition: Partition): Promise<string> {
  return new Promise((resolve, reject) => {
    const qp = vscode.window.createQuickPick<RolePickItem>();
    qp.title = title;
    qp.placeholder = 'Role ARN, e.g. arn:aws:iam::123456789012:role/Admin, or 123456789012:Admin';
    qp.ignoreFocusOut = true;
    qp.matchOnDetail = true;
    const recentItems: RolePickItem[] = recent.map((r) => ({
      label: `$(history) ${r.arn.split('/').pop() ?? r.arn}`,
      description: r.arn.split(':')[4],
      detail: r.arn,
      arn: r.arn,
    }));
    const update = (): void => {
      const value = qp.value.trim();
      if (!value) {
        qp.items = recentItems.length ? [{ label: 'Recently used', kind: vscode.QuickPickItemKind.Separator }, ...recentItems] : [];
        return;
      }
      const parsed = parseRoleInput(value, partition);
      const typed: RolePickItem = parsed.ok
        ? { label: `$(arrow-swap) Assume ${parsed.roleName}`, description: `account ${parsed.account}`, detail: parsed.arn, arn: parsed.arn, alwaysShow: true }
        : { label: `$(error) ${parsed.message}`, alwaysShow: true };
      const matching = recentItems.filter((i) => i.arn !== (parsed.ok ? parsed.arn : undefined) && i.detail?.toLowerCase().includes(value.toLowerCase()));
      qp.items = [typed, ...matching];
    };
    let settled = false;
    qp.onDidChangeValue(update);
    qp.onDidAccept(() => {
      const arn = qp.selectedItems[0]?.arn ?? qp.activeItems[0]?.arn;
      if (!arn) return; // an invalid entry: keep the picker open with its message
      settled = true;
      qp.hide();
      resolve(arn);
    });
    qp.onDidHide(() => {
      qp.dispose();
      if (!settled) reject(new UserCancelledError('Entering a role'));
    });
    update();
    qp.show();
  });
}

/** An input box that resolves to the entered text, or rejects when dismissed. */
export async function askText(options: vscode.InputBoxOptions, what: string): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new UserCancelledError(what);
  return value.trim();
}
