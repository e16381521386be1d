import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Logger, ProfileModel } from '../aws/types';
import { loadProfileModel, profileProblem, resolveConfigPaths, type ConfigPaths } from '../aws/configFiles';

/**
 * The current reading of the shared config files. Reads lazily (the first time the tree or a
 * command needs it, never at activation) and again when either file is created, changed or
 * deleted, so edits show without reloading the window.
 */
export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProfileModel>();
  readonly onDidChange = this.changed.event;
  private current: Promise<ProfileModel> | undefined;
  private watchers: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get paths(): ConfigPaths {
    return resolveConfigPaths(this.env);
  }

  /** The model, reading the files on first use. */
  model(): Promise<ProfileModel> {
    if (!this.current) {
      this.watch();
      this.current = this.read();
    }
    return this.current;
  }

  /** Re-reads the files now (the "Reload Profiles" command and file events). */
  reload(): Promise<ProfileModel> {
    this.current = this.read();
    void this.current.then((m) => this.changed.fire(m));
    return this.current;
  }

  /** Why `name` cannot be used, or undefined when it can (see profileProblem). Checked before each switch. */
  problemOf(name: string): Promise<string | undefined> {
    return profileProblem(this.paths, name, this.log);
  }

  private async read(): Promise<ProfileModel> {
    const started = performance.now();
    // The listing follows the AWS CLI's reading; the SDK comparison waits for a switch (problemOf).
    const model = await loadProfileModel(this.paths, { logger: this.log, compareWithSdk: false });
    this.log.info(`Read ${model.profiles.length} profiles from ${model.configFile} and ${model.credentialsFile} in ${(performance.now() - started).toFixed(1)} ms`);
    for (const problem of model.fileProblems) this.log.warn(problem);
    return model;
  }

  private watch(): void {
    const { configFile, credentialsFile } = this.paths;
    for (const file of new Set([configFile, credentialsFile])) {
      // A pattern relative to the file's folder also reports the file's creation and deletion.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      const onEvent = (): void => this.scheduleReload();
      this.watchers.push(watcher, watcher.onDidChange(onEvent), watcher.onDidCreate(onEvent), watcher.onDidDelete(onEvent));
    }
  }

  private scheduleReload(): void {
    // Editors often write a file in several steps; read once they are done.
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reload();
    }, 150);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
  }
}
