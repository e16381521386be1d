/**
 * A file watcher on a folder that may not exist yet: the AWS config folder before the first config
 * file, the SSO token cache before the first sign-in.
 *
 * VS Code starts watching a missing folder only some seconds after it appears (it looks for it
 * every 5 s) and misses what was written into it by then, and the tools that make these folders
 * write into them at once (`aws configure`, `aws sso login`). So while the folder is missing, its
 * appearance is watched from the nearest of its two parents that exists, and the folder's own
 * watcher starts when it appears. Both are non-recursive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** A folder watch; `recheck()` starts the folder's own watcher at once if the folder has appeared. */
export interface FolderWatch extends vscode.Disposable {
  recheck(): void;
}

/**
 * Calls `onEvent` when a file matching `pattern` (relative to `dir`) changes, is made or deleted,
 * and when `dir` appears. A reader that has just made the folder itself calls `recheck()`, rather
 * than wait for the parent's event.
 */
export function watchFolder(dir: string, pattern: string, onEvent: () => void): FolderWatch {
  const disposables: vscode.Disposable[] = [];
  const watch = (base: string, glob: string, handler: () => void): void => {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), glob));
    disposables.push(watcher, watcher.onDidChange(handler), watcher.onDidCreate(handler), watcher.onDidDelete(handler));
  };
  let folderWatched = fs.existsSync(dir);
  const parent = folderWatched ? undefined : [path.dirname(dir), path.dirname(path.dirname(dir))].find((p) => fs.existsSync(p));
  // There, or with no parent to watch from: VS Code's own wait for the folder.
  if (parent === undefined) {
    folderWatched = true;
    watch(dir, pattern, onEvent);
  }
  const recheck = (): void => {
    if (folderWatched || !fs.existsSync(dir)) return;
    folderWatched = true;
    watch(dir, pattern, onEvent);
  };
  if (parent !== undefined) {
    watch(parent, path.relative(parent, dir).split(path.sep)[0]!, () => {
      recheck();
      onEvent();
    });
  }
  return { recheck, dispose: () => disposables.forEach((d) => d.dispose()) };
}
