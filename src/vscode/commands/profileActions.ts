import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CommandFactory } from './';
import { profileArgument, reportFailure } from './context';

export const refreshProfiles: CommandFactory = (ctx) => async () => {
  await ctx.profiles.reload();
};

/** Opens the file (and line) where a profile is defined. */
export const openProfileSource: CommandFactory = (ctx) => async (arg?: unknown) => {
  const profile = profileArgument(arg);
  const location = profile?.definedIn[0];
  if (!location) return;
  await reportFailure(ctx, `Opening the definition of "${profile.name}"`, async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const line = Math.min(location.line ?? 0, Math.max(0, doc.lineCount - 1));
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
  });
};

/** Opens the config file, creating an empty one (and its folder) if there is none yet. */
export const openConfigFile: CommandFactory = (ctx) => async () => {
  const file = ctx.profiles.paths.configFile;
  await reportFailure(ctx, `Opening ${file}`, async () => {
    try {
      await fs.access(file);
    } catch {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, '', { flag: 'wx', mode: 0o600 }).catch(() => undefined);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
};

export const copyProfileName: CommandFactory = () => async (arg?: unknown) => {
  const profile = profileArgument(arg);
  if (!profile) return;
  await vscode.env.clipboard.writeText(profile.name);
  vscode.window.setStatusBarMessage(`Copied profile name "${profile.name}"`, 3000);
};
