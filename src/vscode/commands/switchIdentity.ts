import * as vscode from 'vscode';
import { KIND_LABELS } from '../views/presentation';
import { reportFailure, type CommandFactory } from './context';
import { switchToProfile } from './useProfile';
import { COMMAND_IDS } from './commandIds';
import { ssoOf } from '../sso';
import type { RoleEntry } from '../sso/ssoService';
import { useRole } from '../sso/ssoCommands';

interface SwitchItem extends vscode.QuickPickItem {
  readonly run?: () => Thenable<unknown> | Promise<unknown>;
}

/**
 * The status bar's menu: switch profile, assume a role, open a terminal, or clear the identity;
 * and every role of every signed-in IAM Identity Center session, added when fetched (the first
 * time with bounded concurrency, then from the window's cache). A role row's label, description
 * and detail are its role, account name and account ID, so typing any of them finds it.
 */
export const switchIdentity: CommandFactory = (ctx) => async () => {
  const identity = ctx.manager.identity;
  const model = await ctx.profiles.model();
  const activeProfile = ctx.manager.activeProfile;
  const items: SwitchItem[] = [
    { label: '$(arrow-swap) Assume Role…', description: 'by ARN, from the active identity or a profile', run: () => vscode.commands.executeCommand(COMMAND_IDS.assumeRole) },
  ];
  if (identity) {
    items.push(
      { label: `$(terminal) New Terminal as ${identity.name}`, description: identity.account, run: () => ctx.terminals.openTerminalFor(identity) },
      { label: `$(globe) Open AWS Console as ${identity.name}`, description: 'signs in to the console in your browser', run: () => vscode.commands.executeCommand(COMMAND_IDS.openConsole) },
      { label: '$(close) Clear Identity', description: 'open terminals and debug sessions lose their access; new ones get no AWS credentials', run: () => vscode.commands.executeCommand(COMMAND_IDS.clearIdentity) },
    );
  }
  items.push({ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator });
  for (const p of model.profiles) {
    if (p.problem) continue;
    items.push({
      label: `${p.name === activeProfile ? '$(pass-filled)' : '$(account)'} ${p.name}`,
      description: [KIND_LABELS[p.kind], p.region, p.name === activeProfile ? 'active' : undefined].filter(Boolean).join(' · '),
      detail: p.roleArn,
      run: () => switchToProfile(ctx, p.name),
    });
  }

  const qp = vscode.window.createQuickPick<SwitchItem>();
  qp.title = identity ? `AWS identity: ${identity.name} (${identity.account})` : 'AWS identity: none';
  qp.placeholder = 'Switch profile, assume a role, open a terminal, or type an account or role name';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = items;
  const sso = ssoOf(ctx);
  let closed = false;
  if (sso) {
    qp.busy = true;
    void sso
      .allRoles()
      .then(({ roles, failures }) => {
        if (closed) return;
        for (const f of failures) ctx.log.warn(`Switch Identity: ${f}`);
        const active = identity?.source.type === 'ssoRole' ? identity.source : undefined;
        const roleItems = roles.map((r: RoleEntry): SwitchItem => {
          const isActive = !!active && active.accountId === r.account.accountId && active.roleName === r.roleName;
          return {
            label: `${isActive ? '$(pass-filled)' : '$(person)'} ${r.roleName}`,
            description: [r.account.accountName ?? r.account.accountId, isActive ? 'active' : undefined].filter(Boolean).join(' · '),
            detail: `${r.account.accountId}${r.account.emailAddress ? ` · ${r.account.emailAddress}` : ''} · IAM Identity Center ${r.target.label}`,
            run: () =>
              reportFailure(ctx, `Using ${r.roleName} in ${r.account.accountName ?? r.account.accountId}`, () =>
                useRole(ctx, { type: 'ssoRole', target: r.target, account: r.account, roleName: r.roleName }),
              ),
          };
        });
        const note: SwitchItem[] = failures.length ? [{ label: `$(warning) Some roles could not be listed: ${failures[0]}`, alwaysShow: false }] : [];
        if (roleItems.length || note.length) {
          const keep = qp.activeItems;
          qp.items = [...qp.items, { label: 'IAM Identity Center roles', kind: vscode.QuickPickItemKind.Separator }, ...roleItems, ...note];
          qp.activeItems = keep;
        }
      })
      .catch((e: unknown) => ctx.log.error('Switch Identity: listing the IAM Identity Center roles failed', e))
      .finally(() => {
        if (!closed) qp.busy = false;
      });
  }
  const picked = await new Promise<SwitchItem | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item?.run) {
        resolve(item);
        qp.hide();
      }
    });
    qp.onDidHide(() => {
      closed = true;
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  await picked?.run?.();
};
