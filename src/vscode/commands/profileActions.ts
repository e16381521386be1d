import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { profileArgument, reportFailure, type CommandContext, type CommandFactory } from './context';
import { hasSecrets } from '../secretMasking';
import { maskedUri } from '../maskedDocuments';
import type { ProfileInfo } from '../../shared/types';

export const refreshProfiles: CommandFactory = (ctx) => async () => {
  await ctx.profiles.reload();
};

/**
 * Opens the file (and line) where a profile is defined. A file that holds secret values (the
 * credentials file, usually) is first shown read-only with those values masked: in an editor,
 * every extension can read the open document, and once edited, hot exit backs it up to disk.
 * The real file opens only after the user confirms that risk in a modal.
 */
export const openProfileSource: CommandFactory = (ctx) => async (arg?: unknown) => {
  const given = profileArgument(arg);
  if (!given) return;
  const name = String(given.name);
  await reportFailure(ctx, `Opening the definition of "${name}"`, async () => {
    const location = await definition(ctx, name, given.definedIn);
    const line = location.line ?? 0;
    let text: string | undefined;
    try {
      text = await fs.readFile(location.file, 'utf8');
    } catch {
      // Unreadable or gone: opening it below reports why, and shows nothing secret.
    }
    if (text !== undefined && hasSecrets(text)) {
      await showAt(await vscode.workspace.openTextDocument(maskedUri(location.file)), line);
      ctx.log.info(`Showed ${location.file} with its secret values masked (profile "${name}").`);
      void offerRealFile(ctx, location.file, line);
      return;
    }
    await showAt(await vscode.workspace.openTextDocument(vscode.Uri.file(location.file)), line);
  });
};

/**
 * Where profile `name` is defined, by the store's reading: any extension can run the command with
 * a node it made up, so the node's own file is used only if the profile really is defined there.
 */
async function definition(ctx: CommandContext, name: string, given: unknown): Promise<ProfileInfo['definedIn'][number]> {
  const profile = await ctx.profiles.profile(name);
  const wanted = Array.isArray(given) ? (given[0] as { file?: unknown; line?: unknown } | undefined) : undefined;
  const location = profile?.definedIn.find((l) => l.file === wanted?.file && l.line === wanted?.line) ?? profile?.definedIn[0];
  if (!location) throw new Error(`Profile "${name}" is not in your AWS config files, so there is nothing to open. If you just added it, run "AWS Identity: Reload Profiles" and try again.`);
  return location;
}

async function showAt(doc: vscode.TextDocument, line: number): Promise<void> {
  const target = Math.min(line, Math.max(0, doc.lineCount - 1));
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(target, 0, target, 0) });
}

/** After the masked view: a notification that offers the real file, which opens only after a modal names the risk. */
async function offerRealFile(ctx: CommandContext, file: string, line: number): Promise<void> {
  const name = path.basename(file);
  const open = await vscode.window.showInformationMessage(
    `${name} holds secret keys, so it is shown read-only with their values masked. To edit the file itself, open it anyway.`,
    'Open File Anyway…',
  );
  if (open !== 'Open File Anyway…') return;
  const confirm = await vscode.window.showWarningMessage(
    `Open ${file} with its secret keys in an editor?`,
    {
      modal: true,
      detail:
        'Every installed extension can read the text of an open editor, and once you edit the file, VS Code\'s hot exit keeps a backup copy of the unsaved text on disk. ' +
        'Close the editor when you are done. To change keys without opening the file, "aws configure" in a terminal does it too.',
    },
    'Open Anyway',
  );
  if (confirm !== 'Open Anyway') return;
  await reportFailure(ctx, `Opening ${file}`, async () => {
    ctx.log.info(`Opening ${file} with its secret values, as the user confirmed.`);
    await showAt(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), line);
  });
}

/** Opens the config file, creating an empty one (and its folder) if there is none yet. */
export const openConfigFile: CommandFactory = (ctx) => async () => {
  const file = ctx.profiles.paths.configFile;
  await reportFailure(ctx, `Opening ${file}`, async () => {
    try {
      await fs.access(file);
    } catch {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, '', { flag: 'wx', mode: 0o600 }).catch(() => undefined);
      // Read again now: this also watches the new file, so what the user saves into it shows.
      await ctx.profiles.reload();
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
